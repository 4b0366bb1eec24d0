/*
 * OAuthAppDefinition <-> ConnectedApp metadata. Elements are emitted in the WSDL's xsd:sequence order (the order a
 * retrieve writes), undefined ones omitted.
 */
import type {
  IpRelaxation,
  MetadataComponent,
  OAuthAppDefinition,
  PermittedUsers,
  RefreshTokenPolicy,
} from '../model/appModel.js';
import { compact } from '../util/records.js';
import { asBool, asInt, asList, asRecord, asText, splitUrls, toKnownScopes, type Loose } from './readers.js';
import { flowElements, inElementOrder, readFlowSwitches } from './flowElements.js';
import { readTokenElements, tokenElements } from './tokenElements.js';

export type BuildOptions = {
  /** For a source file: drop the consumer secret (it is sent once, at creation, and never stored). */
  forSource?: boolean;
};

/** `specific_lifetime:90:DAYS`, `infinite`, ... as ConnectedAppOauthPolicy.refreshTokenPolicy spells it. */
export function toConnectedAppRefreshTokenPolicy(policy: RefreshTokenPolicy): string {
  if (policy.type === 'infinite' || policy.type === 'zero') return policy.type;
  const kind = policy.type === 'specificLifetime' ? 'specific_lifetime' : 'specific_inactivity';
  return `${kind}:${policy.value}:${policy.unit.toUpperCase()}`;
}

/** The reverse; undefined for text Salesforce would not have written. */
export function fromConnectedAppRefreshTokenPolicy(text: string): RefreshTokenPolicy | undefined {
  const value = text.trim().toLowerCase();
  if (value === 'infinite' || value === 'zero') return { type: value };
  const match = /^(specific_lifetime|specific_inactivity):(\d+):(hours|days|months)$/.exec(value);
  if (!match) return undefined;
  return {
    type: match[1] === 'specific_lifetime' ? 'specificLifetime' : 'specificInactivity',
    value: Number(match[2]),
    unit: match[3] as 'hours' | 'days' | 'months',
  };
}

export function buildConnectedApp(def: OAuthAppDefinition, options: BuildOptions = {}): MetadataComponent {
  const adminApproved = def.permittedUsers === 'AdminApprovedPreAuthorized';
  const { flows } = def;
  const oauthConfig = inElementOrder(
    compact({
    ...flowElements(flows, 'ConnectedApp'),
    assetTokenConfig: def.assetToken
      ? inElementOrder(tokenElements('assetToken', def.assetToken, 'ConnectedApp'))
      : undefined,
    callbackUrl: def.callbackUrls.join('\n'),
    certificate: def.certificate,
    consumerKey: def.consumerKey,
    consumerSecret: options.forSource ? undefined : def.consumerSecret,
    idTokenConfig: def.idToken ? inElementOrder(tokenElements('idToken', def.idToken, 'ConnectedApp')) : undefined,
    isAdminApproved: adminApproved,
    isClientCredentialEnabled: flows.clientCredentialsUser !== undefined,
    oauthClientCredentialUser: flows.clientCredentialsUser,
    scopes: [...def.scopes],
    singleLogoutUrl: def.singleLogoutUrl,
    })
  );
  const content = compact({
    contactEmail: def.contactEmail,
    contactPhone: def.contactPhone,
    description: def.description,
    label: def.label,
    oauthConfig,
    oauthPolicy: {
      ipRelaxation: def.ipRelaxation,
      refreshTokenPolicy: toConnectedAppRefreshTokenPolicy(def.refreshTokenPolicy),
    },
    // Pre-authorization needs isAdminApproved; Salesforce rejects the names otherwise.
    permissionSetName: adminApproved && def.permissionSets.length > 0 ? [...def.permissionSets] : undefined,
    profileName: adminApproved && def.profiles.length > 0 ? [...def.profiles] : undefined,
    sessionPolicy: def.sessionTimeoutMinutes !== undefined ? { sessionTimeout: def.sessionTimeoutMinutes } : undefined,
  });
  return { type: 'ConnectedApp', fullName: def.name, content };
}

/** A definition from ConnectedApp content (as built, or as a retrieve returns it). */
export function readConnectedApp(content: Loose, fullName = ''): OAuthAppDefinition {
  const oauth = asRecord(content.oauthConfig);
  const policy = asRecord(content.oauthPolicy);
  const session = asRecord(content.sessionPolicy);
  const idToken = oauth.idTokenConfig === undefined ? undefined : asRecord(oauth.idTokenConfig);
  const asset = oauth.assetTokenConfig === undefined ? undefined : asRecord(oauth.assetTokenConfig);
  const permittedUsers: PermittedUsers = asBool(oauth.isAdminApproved) ? 'AdminApprovedPreAuthorized' : 'AllSelfAuthorized';
  const clientCredentialsUser = asBool(oauth.isClientCredentialEnabled) ? asText(oauth.oauthClientCredentialUser) ?? '' : undefined;
  return compact({
    name: fullName,
    label: asText(content.label) ?? fullName,
    description: asText(content.description),
    contactEmail: asText(content.contactEmail),
    contactPhone: asText(content.contactPhone),
    callbackUrls: splitUrls(oauth.callbackUrl),
    scopes: toKnownScopes(asList(oauth.scopes)),
    certificate: asText(oauth.certificate),
    consumerKey: asText(oauth.consumerKey),
    consumerSecret: asText(oauth.consumerSecret),
    permittedUsers,
    profiles: asList(content.profileName).map((v) => asText(v) ?? '').filter(Boolean),
    permissionSets: asList(content.permissionSetName).map((v) => asText(v) ?? '').filter(Boolean),
    // Salesforce's defaults when the policy is absent: infinite refresh tokens, IP ranges enforced.
    refreshTokenPolicy: fromConnectedAppRefreshTokenPolicy(asText(policy.refreshTokenPolicy) ?? '') ?? { type: 'infinite' },
    sessionTimeoutMinutes: asInt(session.sessionTimeout),
    ipRelaxation: ((asText(policy.ipRelaxation) ?? 'ENFORCE').toUpperCase() as IpRelaxation),
    flows: compact({ ...readFlowSwitches(oauth, 'ConnectedApp'), clientCredentialsUser }),
    idToken: idToken ? readTokenElements('idToken', idToken, 'ConnectedApp') : undefined,
    assetToken: asset ? readTokenElements('assetToken', asset, 'ConnectedApp') : undefined,
    singleLogoutUrl: asText(oauth.singleLogoutUrl) ?? asText(policy.singleLogoutUrl),
  }) as OAuthAppDefinition;
}
