/*
 * Fixture builders for apps the plugin did not make: an External Client App named the way Setup names its parts, and
 * a connected app written in retrieve order with elements the plugin does not model. Later plugin tests use them to
 * prove that list, display, update and rotate-certificate cope with apps as real orgs hold them.
 *
 * Setup-style External Client App (docs/salesforce-facts.md#f-eca-setup-names):
 * - header `<App>` (ExternalClientApplication);
 * - `<App>GlblOAuth` (ExtlClntAppGlobalOauthSettings), carrying the certificate, which enables JWT bearer;
 * - `<App>Settings` (ExtlClntAppOauthSettings) with isFirstPartyAppEnabled;
 * - `<App>Settings_defaultPolicy` (ExtlClntAppOauthConfigurablePolicies) with isGuestCodeCredFlowEnabled and
 *   requiredSessionLevel;
 * - no ExtlClntAppConfigurablePolicies component.
 * Every element is checked against the v63 WSDL's type for its component (docs/salesforce-facts.md#f-md-wsdl-v63),
 * and every file is in sequence order, as a retrieve writes it.
 *
 * The deploy helpers talk to the emulator over HTTP only (JWT login with the bootstrap app, SOAP deploy and polls,
 * readMetadata), so they work against an in-process emulator and against `npm run emulator` alike.
 */
import { createSign, generateKeyPairSync } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import forge from 'node-forge';
import { componentToXmlDocument, normalizeOrder, registryEntry } from './metadataSchema.js';
import { child, children, childText, escapeXml, METADATA_NS, parseXml, type XmlElement } from './xml.js';
import { writeZip } from './zip.js';

export type FixtureComponent = { type: string; fullName: string; content: Record<string, unknown> };

/** What the helpers need of an emulator: its URL and the bootstrap app's login (an Emulator from server.ts has them). */
export type FixtureTarget = { instanceUrl: string; username: string; clientId: string; jwtKeyFile: string };

export type KeyPair = { privateKeyPem: string; certificatePem: string };

/** A fresh RSA 2048 key and a self-signed certificate for it (node's key generation, forge for the X.509 wrapper). */
export function fixtureKeyPair(commonName = 'setup-style-fixture', days = 30): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + days * 86_400_000);
  const attrs = [{ name: 'commonName', value: commonName }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.sign(forge.pki.privateKeyFromPem(privateKey), forge.md.sha256.create());
  // LF line ends, as Setup shows a certificate and as the plugin writes one.
  return { privateKeyPem: privateKey, certificatePem: forge.pki.certificateToPem(cert).replace(/\r\n/g, '\n') };
}

// ------------------------------------------------------------------ Setup-style External Client App

export type SetupStyleEcaOptions = {
  /** API name of the app (the header's fullName). */
  name: string;
  label?: string;
  contactEmail?: string;
  description?: string;
  /** PEM certificate on the global OAuth settings: enables JWT bearer. Omit for a web-only app. */
  certificatePem?: string;
  /** A consumer key chosen at creation; omit to have the org generate one. */
  consumerKey?: string;
  /** Callback URLs, one per line in the element (default http://localhost:1717/OauthRedirect). */
  callbackUrls?: string[];
  /** commaSeparatedOauthScopes, in the documented ECA spelling (default "Api, Web, RefreshToken"). */
  scopes?: string;
  /** Pre-authorized profiles (default System Administrator); with permission sets, AdminApprovedPreAuthorized. */
  profiles?: string[];
  permissionSets?: string[];
  /** AllSelfAuthorized instead of pre-authorizing (JWT bearer then fails, as in a real org). */
  selfAuthorized?: boolean;
};

/** Setup's names for the parts of an External Client App called `app` (docs/salesforce-facts.md#f-eca-setup-names). */
export function setupStyleNames(app: string): { header: string; globalOauth: string; oauthSettings: string; oauthPolicies: string } {
  return {
    header: app,
    globalOauth: `${app}GlblOAuth`,
    oauthSettings: `${app}Settings`,
    oauthPolicies: `${app}Settings_defaultPolicy`,
  };
}

/** The four components of a Setup-style External Client App, each in sequence order. */
export function setupStyleEca(options: SetupStyleEcaOptions): FixtureComponent[] {
  const app = options.name;
  const names = setupStyleNames(app);
  const label = options.label ?? app.replace(/_/g, ' ');
  const profiles = options.profiles ?? ['System Administrator'];
  const permissionSets = options.permissionSets ?? [];
  const defined = (content: Record<string, unknown>): Record<string, unknown> =>
    Object.fromEntries(Object.entries(content).filter(([, v]) => v !== undefined));
  const components: FixtureComponent[] = [
    {
      type: 'ExternalClientApplication',
      fullName: names.header,
      content: defined({
        contactEmail: options.contactEmail ?? 'admin@example.com',
        description: options.description,
        distributionState: 'Local',
        isProtected: false,
        label,
      }),
    },
    {
      type: 'ExtlClntAppGlobalOauthSettings',
      fullName: names.globalOauth,
      content: defined({
        callbackUrl: (options.callbackUrls ?? ['http://localhost:1717/OauthRedirect']).join('\n'),
        certificate: options.certificatePem,
        consumerKey: options.consumerKey,
        externalClientApplication: app,
        isClientCredentialsFlowEnabled: false,
        isCodeCredFlowEnabled: false,
        isCodeCredPostOnly: false,
        isConsumerSecretOptional: false,
        isDeviceFlowEnabled: false,
        isIntrospectAllTokens: false,
        isNamedUserJwtEnabled: false,
        isPkceRequired: true,
        isRefreshTokenRotationEnabled: false,
        isSecretRequiredForRefreshToken: true,
        isSecretRequiredForTokenExchange: false,
        isTokenExchangeEnabled: false,
        label: names.globalOauth,
        shouldRotateConsumerKey: false,
        shouldRotateConsumerSecret: false,
      }),
    },
    {
      type: 'ExtlClntAppOauthSettings',
      fullName: names.oauthSettings,
      content: {
        commaSeparatedOauthScopes: options.scopes ?? 'Api, Web, RefreshToken',
        externalClientApplication: app,
        // v63 WSDL: ExtlClntAppOauthSettings.isFirstPartyAppEnabled.
        isFirstPartyAppEnabled: false,
        label: names.oauthSettings,
      },
    },
    {
      type: 'ExtlClntAppOauthConfigurablePolicies',
      fullName: names.oauthPolicies,
      content: defined({
        commaSeparatedPermissionSet: !options.selfAuthorized && permissionSets.length > 0 ? permissionSets.join(',') : undefined,
        commaSeparatedProfile: !options.selfAuthorized && profiles.length > 0 ? profiles.join(',') : undefined,
        externalClientApplication: app,
        ipRelaxationPolicyType: 'Enforce',
        isClientCredentialsFlowEnabled: false,
        // v63 WSDL: ExtlClntAppOauthConfigurablePolicies.isGuestCodeCredFlowEnabled and requiredSessionLevel.
        isGuestCodeCredFlowEnabled: false,
        isTokenExchangeFlowEnabled: false,
        label: names.oauthPolicies,
        permittedUsersPolicyType: options.selfAuthorized ? 'AllSelfAuthorized' : 'AdminApprovedPreAuthorized',
        policyAction: 'Block',
        refreshTokenPolicyType: 'SpecificLifetime',
        refreshTokenValidityPeriod: 90,
        refreshTokenValidityUnit: 'Days',
        requiredSessionLevel: 'STANDARD',
        sessionTimeoutInMinutes: 15,
      }),
    },
  ];
  return components.map((c) => ({ ...c, content: normalizeOrder(c.type, c.content) }));
}

// ------------------------------------------------------------------ connected app in retrieve order

export type RetrieveOrderConnectedAppOptions = {
  name: string;
  label?: string;
  contactEmail?: string;
  certificatePem?: string;
  /** Only for seeding (an app that already exists has its key); a deploy of a new app may carry one too. */
  consumerKey?: string;
  callbackUrls?: string[];
  /** ConnectedAppOauthAccessScope values (default Api, Web, RefreshToken). */
  scopes?: string[];
  profiles?: string[];
  permissionSets?: string[];
};

/**
 * A connected app as a retrieve returns one, with elements the plugin does not model (description, ipRanges,
 * startUrl, the flow switches, oauthPolicy.isTokenExchangeFlowEnabled, sessionPolicy.policyAction), all in the v63
 * sequence order.
 */
export function retrieveOrderConnectedApp(options: RetrieveOrderConnectedAppOptions): FixtureComponent {
  const oauthConfig: Record<string, unknown> = {
    callbackUrl: (options.callbackUrls ?? ['http://localhost:1717/OauthRedirect']).join('\n'),
    ...(options.certificatePem ? { certificate: options.certificatePem } : {}),
    ...(options.consumerKey ? { consumerKey: options.consumerKey } : {}),
    isAdminApproved: true,
    isClientCredentialEnabled: false,
    isCodeCredentialEnabled: false,
    isCodeCredentialPostOnly: false,
    isConsumerSecretOptional: false,
    isIntrospectAllTokens: false,
    isNamedUserJwtEnabled: false,
    isPkceRequired: false,
    isRefreshTokenRotationEnabled: false,
    isSecretRequiredForRefreshToken: true,
    isSecretRequiredForTokenExchange: false,
    isTokenExchangeEnabled: false,
    scopes: options.scopes ?? ['Api', 'Web', 'RefreshToken'],
  };
  const content: Record<string, unknown> = {
    contactEmail: options.contactEmail ?? 'admin@example.com',
    description: 'Made in Setup; retrieved with every element Salesforce returns.',
    ipRanges: [{ description: 'Office', end: '10.0.0.255', start: '10.0.0.1' }],
    label: options.label ?? options.name.replace(/_/g, ' '),
    oauthConfig,
    oauthPolicy: { ipRelaxation: 'ENFORCE', isTokenExchangeFlowEnabled: false, refreshTokenPolicy: 'specific_lifetime:90:DAYS' },
    ...(options.permissionSets && options.permissionSets.length > 0 ? { permissionSetName: options.permissionSets } : {}),
    profileName: options.profiles ?? ['System Administrator'],
    sessionPolicy: { policyAction: 'Block', sessionTimeout: 15 },
    startUrl: 'https://example.com/start',
  };
  return { type: 'ConnectedApp', fullName: options.name, content: normalizeOrder('ConnectedApp', content) };
}

/**
 * Puts the connected app into an in-process emulator's store as if it had always been there (made before the Spring
 * '26 creation block), live at once.
 */
export function seedRetrieveOrderConnectedApp(
  emulator: { store: { seed(type: string, fullName: string, content: Record<string, unknown>, options?: { live?: boolean }): void } },
  options: RetrieveOrderConnectedAppOptions
): FixtureComponent {
  const component = retrieveOrderConnectedApp(options);
  emulator.store.seed(component.type, component.fullName, component.content, { live: true });
  return component;
}

// ------------------------------------------------------------------ files

/** The metadata file text of a component, as a retrieve writes it (sequence order). */
export function componentXml(component: FixtureComponent): string {
  return componentToXmlDocument(component.type, component.content);
}

/** Metadata API format: package.xml plus `<folder>/<fullName>.<suffix>` per component, at the zip root. */
export function metadataApiFiles(components: FixtureComponent[], apiVersion = '63.0'): Record<string, string> {
  const files: Record<string, string> = {};
  const byType = new Map<string, string[]>();
  for (const component of components) {
    const entry = registryEntry(component.type);
    if (!entry) throw new Error(`no registry entry for ${component.type}`);
    files[`${entry.directoryName}/${component.fullName}.${entry.suffix}`] = componentXml(component);
    byType.set(component.type, [...(byType.get(component.type) ?? []), component.fullName]);
  }
  files['package.xml'] =
    `<?xml version="1.0" encoding="UTF-8"?>\n<Package xmlns="${METADATA_NS}">\n` +
    [...byType]
      .map(([type, members]) => `    <types>\n${members.map((m) => `        <members>${escapeXml(m)}</members>\n`).join('')}        <name>${type}</name>\n    </types>\n`)
      .join('') +
    `    <version>${apiVersion}</version>\n</Package>\n`;
  return files;
}

/** Source format: `<packageDir>/main/default/<folder>/<fullName>.<suffix>-meta.xml` per component. */
export function sourceFiles(components: FixtureComponent[], packageDir = 'force-app'): Record<string, string> {
  const files: Record<string, string> = {};
  for (const component of components) {
    const entry = registryEntry(component.type);
    if (!entry) throw new Error(`no registry entry for ${component.type}`);
    files[`${packageDir}/main/default/${entry.directoryName}/${component.fullName}.${entry.suffix}-meta.xml`] = componentXml(component);
  }
  return files;
}

// ------------------------------------------------------------------ talking to the emulator

function signJwt(privateKeyPem: string, claims: Record<string, unknown>): string {
  const enc = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${enc({ alg: 'RS256', typ: 'JWT' })}.${enc(claims)}`;
  return `${input}.${createSign('RSA-SHA256').update(input).sign(privateKeyPem).toString('base64url')}`;
}

/** A JWT bearer login as sf does it (aud = the instance URL); returns the access token or throws the OAuth error. */
export async function jwtAccessToken(instanceUrl: string, clientId: string, username: string, privateKeyPem: string): Promise<string> {
  const assertion = signJwt(privateKeyPem, { iss: clientId, sub: username, aud: `${instanceUrl}/`, exp: Date.now() + 300 });
  const res = await fetch(`${instanceUrl}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    // eslint-disable-next-line camelcase -- OAuth wire format
    body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString(),
  });
  const json = (await res.json()) as { access_token?: string; error?: string; error_description?: string };
  if (!res.ok || !json.access_token) throw new Error(`JWT login failed: ${json.error ?? res.status}: ${json.error_description ?? ''}`);
  return json.access_token;
}

async function adminSession(target: FixtureTarget): Promise<string> {
  return jwtAccessToken(target.instanceUrl, target.clientId, target.username, await readFile(target.jwtKeyFile, 'utf8'));
}

async function soapCall(target: FixtureTarget, sessionId: string, operation: string, inner: string): Promise<XmlElement[]> {
  const envelope =
    '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ' +
    'xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    `<soapenv:Header xmlns="${METADATA_NS}"><SessionHeader><sessionId>${sessionId}</sessionId></SessionHeader></soapenv:Header>` +
    `<soapenv:Body xmlns="${METADATA_NS}"><${operation}>${inner}</${operation}></soapenv:Body></soapenv:Envelope>`;
  const res = await fetch(`${target.instanceUrl}/services/Soap/m/63.0`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml', soapaction: '""' },
    body: envelope,
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${operation} failed (${res.status}): ${text}`);
  return children(child(parseXml(text), 'Body')?.children[0], 'result');
}

export type FixtureDeployResult = { status: string; success: boolean; problems: Array<{ fileName: string; problem: string }> };

/** Deploys Metadata API format files as one zip (rollbackOnError, singlePackage) and waits for the outcome. */
export async function deployMetadataFiles(target: FixtureTarget, files: Record<string, string>): Promise<FixtureDeployResult> {
  const session = await adminSession(target);
  const options =
    '<DeployOptions><rollbackOnError>true</rollbackOnError><ignoreWarnings>false</ignoreWarnings><checkOnly>false</checkOnly>' +
    '<singlePackage>true</singlePackage><purgeOnDelete>false</purgeOnDelete></DeployOptions>';
  const [started] = await soapCall(target, session, 'deploy', `<ZipFile>${await writeZip(files)}</ZipFile>${options}`);
  const id = childText(started, 'id') ?? '';
  for (let attempt = 0; attempt < 200; attempt++) {
    // eslint-disable-next-line no-await-in-loop
    const [result] = await soapCall(target, session, 'checkDeployStatus', `<asyncProcessId>${id}</asyncProcessId><includeDetails>true</includeDetails>`);
    if (childText(result, 'done') === 'true') {
      return {
        status: childText(result, 'status') ?? '',
        success: childText(result, 'success') === 'true',
        problems: children(child(result, 'details'), 'componentFailures').map((f) => ({
          fileName: childText(f, 'fileName') ?? '',
          problem: childText(f, 'problem') ?? '',
        })),
      };
    }
    // eslint-disable-next-line no-await-in-loop
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`deploy ${id} did not finish`);
}

/** readMetadata of one component over SOAP; undefined when the org has no such component. */
export async function readMetadataOverSoap(target: FixtureTarget, type: string, fullName: string): Promise<XmlElement | undefined> {
  const [result] = await soapCall(target, await adminSession(target), 'readMetadata', `<type>${type}</type><fullNames>${escapeXml(fullName)}</fullNames>`);
  const record = child(result, 'records');
  return record && childText(record, 'fullName') ? record : undefined;
}

/**
 * Deploys a Setup-style External Client App through the Metadata API (one zip, as `sf project deploy start` sends it)
 * and reads its consumer key back from the global OAuth settings. Throws with the org's problems if the deploy fails.
 */
export async function deploySetupStyleEca(
  target: FixtureTarget,
  options: SetupStyleEcaOptions
): Promise<{ components: FixtureComponent[]; consumerKey: string; names: ReturnType<typeof setupStyleNames> }> {
  const components = setupStyleEca(options);
  const outcome = await deployMetadataFiles(target, metadataApiFiles(components));
  if (!outcome.success) throw new Error(`Setup-style ECA ${options.name} did not deploy: ${JSON.stringify(outcome.problems)}`);
  const names = setupStyleNames(options.name);
  const global = await readMetadataOverSoap(target, 'ExtlClntAppGlobalOauthSettings', names.globalOauth);
  const consumerKey = childText(global, 'consumerKey');
  if (!consumerKey) throw new Error(`no consumer key readable for ${names.globalOauth}`);
  return { components, consumerKey, names };
}

/**
 * Deploys the retrieve-order connected app as a new app through a zip deploy. Needs an org that allows connected app
 * creation (allowConnectedAppCreation); otherwise use seedRetrieveOrderConnectedApp.
 */
export async function deployRetrieveOrderConnectedApp(target: FixtureTarget, options: RetrieveOrderConnectedAppOptions): Promise<FixtureDeployResult> {
  return deployMetadataFiles(target, metadataApiFiles([retrieveOrderConnectedApp(options)]));
}
