/*
 * The Metadata API SOAP endpoint (POST /services/Soap/m/NN.N) and the REST deploy resource, over MetadataStore.
 * Response shapes follow what jsforce and SDR read (docs/salesforce-facts.md#f-md-soap-shapes and
 * #f-md-deploy-shape): prefixed soapenv Envelope/Body, <opResponse> with <result> children, xsi:type on records,
 * HTTP 500 faults with a prefixed faultcode.
 */
// Async jobs are records whose state the runners advance in place.
/* eslint-disable no-param-reassign */
import {
  COMPLEX_TYPES,
  componentToXmlDocument,
  parseComponentElement,
  REGISTRY,
  registryEntry,
  registryEntryForPath,
  type ValidationProblem,
} from './metadataSchema.js';
import { MetadataStore, type ComponentChange, type ComponentResult, type SaveError } from './metadataStore.js';
import type { EmulatedUser } from './types.js';
import type { EcaMetadataAccessGap } from './state.js';
import {
  child,
  children,
  childText,
  escapeXml,
  localName,
  METADATA_NS,
  parseXml,
  SOAPENV_NS,
  writeValue,
  XSI_NS,
  xsiType,
  type XmlElement,
} from './xml.js';
import { readZip, writeZip } from './zip.js';

export type SoapContext = {
  store: MetadataStore;
  instanceUrl: string;
  apiVersion: string;
  /** How long a deploy or retrieve job takes before it is done (default 400 ms; 0 runs it within the deploy call). */
  jobDurationMs?: number;
  now?: () => number;
  sessionUser(sessionId: string): EmulatedUser | undefined;
  /** Display name for createdById/lastModifiedById in FileProperties. */
  userName?(userId: string): string | undefined;
  /** What the user lacks to touch External Client App global OAuth settings; absent means nothing is lacking. */
  ecaMetadataAccessGap?(user: EmulatedUser): EcaMetadataAccessGap;
};

/**
 * The metadata type that holds an External Client App's consumer key and secret
 * (docs/salesforce-facts.md#f-eca-metadata-secret-access).
 */
const SECRET_BEARING_TYPE = 'ExtlClntAppGlobalOauthSettings';
export const ECA_METADATA_SETTING = 'Allow Access to OAuth Consumer Secrets via Metadata API';
export const ECA_METADATA_PERMISSION = 'View External Client Apps Consumer Secrets in Metadata';

/**
 * Why a user may not touch the global OAuth settings, naming only what is missing. UNCONFIRMED
 * (docs/salesforce-facts.md#f-emu-wordings): Salesforce's own wording is not published; INSUFFICIENT_ACCESS and the setting/permission names are from the Metadata API guide.
 * The guide says the same rule covers ExtlClntAppOauthSettings, but that type holds no secret: not modelled.
 */
export function ecaSecretAccessMessage(gap: EcaMetadataAccessGap): string {
  const missing = [
    ...(gap.includes('orgSetting') ? [`the org setting "${ECA_METADATA_SETTING}" (External Client App Settings) is off`] : []),
    ...(gap.includes('userPermission') ? [`the user lacks the "${ECA_METADATA_PERMISSION}" permission`] : []),
  ];
  return `Insufficient access to ${SECRET_BEARING_TYPE}: ${missing.join(' and ')}.`;
}

function secretGap(ctx: SoapContext, user: EmulatedUser, type: string): EcaMetadataAccessGap {
  return type === SECRET_BEARING_TYPE ? ctx.ecaMetadataAccessGap?.(user) ?? [] : [];
}

export type SoapResponse = { status: number; body: string; operation?: string; contentType: string };

const CONTENT_TYPE = 'text/xml;charset=UTF-8';
const DEFAULT_JOB_MS = 400;

// ------------------------------------------------------------------ envelopes and faults

function envelope(bodyXml: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    `<soapenv:Envelope xmlns:soapenv="${SOAPENV_NS}" xmlns="${METADATA_NS}" xmlns:xsi="${XSI_NS}">` +
    `<soapenv:Body>${bodyXml}</soapenv:Body></soapenv:Envelope>`
  );
}

function respond(operation: string, results: unknown[]): SoapResponse {
  const inner = results.map((r) => writeValue('result', r)).join('');
  return { status: 200, body: envelope(`<${operation}Response>${inner}</${operation}Response>`), operation, contentType: CONTENT_TYPE };
}

/** A fault as Salesforce sends it. `code` is the full faultcode (sf:INVALID_SESSION_ID, soapenv:Client). */
export function soapFault(code: string, message: string, operation?: string): SoapResponse {
  const bare = code.replace(/^[a-z]+:/, '');
  const isSf = code.startsWith('sf:');
  const detail = isSf
    ? `<detail><sf:UnexpectedErrorFault xsi:type="sf:UnexpectedErrorFault"><sf:exceptionCode>${bare}</sf:exceptionCode>` +
      `<sf:exceptionMessage>${escapeXml(message)}</sf:exceptionMessage></sf:UnexpectedErrorFault></detail>`
    : '';
  const body =
    '<?xml version="1.0" encoding="UTF-8"?>' +
    `<soapenv:Envelope xmlns:soapenv="${SOAPENV_NS}" xmlns:sf="${METADATA_NS}" xmlns:xsi="${XSI_NS}">` +
    `<soapenv:Body><soapenv:Fault><faultcode>${code}</faultcode><faultstring>${escapeXml(
      isSf ? `${bare}: ${message}` : message
    )}</faultstring>${detail}</soapenv:Fault></soapenv:Body></soapenv:Envelope>`;
  return { status: 500, body, operation, contentType: CONTENT_TYPE };
}

/** The Metadata API's per-call limits (docs/salesforce-facts.md#f-md-call-limits). */
const MAX_READ_NAMES = 10;
/** Types whose readMetadata takes more names per call (the same fact). */
const MAX_READ_NAMES_BY_TYPE: Record<string, number> = { CustomMetadata: 200, CustomApplication: 200 };
const MAX_LIST_QUERIES = 3;

class SoapFaultError extends Error {
  public constructor(public readonly code: string, message: string) {
    super(message);
  }
}

// ------------------------------------------------------------------ async jobs (deploy, retrieve)

type DeployOptions = {
  rollbackOnError: boolean;
  checkOnly: boolean;
  ignoreWarnings: boolean;
  singlePackage: boolean;
  purgeOnDelete: boolean;
  testLevel?: string;
  runTests?: string[];
};

type DeployJob = {
  kind: 'deploy';
  id: string;
  zip: Buffer;
  options: DeployOptions;
  user: EmulatedUser;
  createdAt: number;
  dueAt: number;
  startedAt?: number;
  completedAt?: number;
  canceled?: boolean;
  result?: DeployOutcome;
  timer?: NodeJS.Timeout;
  /** What the deploying user lacked for global OAuth settings when the deploy was started. */
  secretGap: EcaMetadataAccessGap;
};

type DeployOutcome = {
  successes: Array<Record<string, unknown>>;
  failures: Array<Record<string, unknown>>;
  total: number;
  deployed: number;
  errors: number;
  status: 'Succeeded' | 'SucceededPartial' | 'Failed';
  errorMessage?: string;
  errorStatusCode?: string;
};

type RetrieveJob = {
  kind: 'retrieve';
  id: string;
  dueAt: number;
  result?: Record<string, unknown>;
  request: XmlElement;
  user: EmulatedUser;
};

type Jobs = { deploys: Map<string, DeployJob>; retrieves: Map<string, RetrieveJob>; counter: number };

const jobsByStore = new WeakMap<MetadataStore, Jobs>();

function jobsOf(store: MetadataStore): Jobs {
  let jobs = jobsByStore.get(store);
  if (!jobs) {
    jobs = { deploys: new Map(), retrieves: new Map(), counter: 1 };
    jobsByStore.set(store, jobs);
  }
  return jobs;
}

function jobId(prefix: string, jobs: Jobs): string {
  // 0Af = DeployRequest, 09S = retrieve AsyncRequest.
  return `${prefix}${String(jobs.counter++).padStart(12, '0')}AAA`;
}

function isoAt(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

function userDisplayName(user: EmulatedUser): string {
  return `${user.firstName} ${user.lastName}`.trim();
}

/** Start a deploy job; it runs when due (timer) or when polled after it is due, whichever comes first. */
export function startDeploy(ctx: SoapContext, zip: Buffer, options: DeployOptions, user: EmulatedUser): DeployJob {
  const now = (ctx.now ?? Date.now)();
  const jobs = jobsOf(ctx.store);
  const duration = ctx.jobDurationMs ?? DEFAULT_JOB_MS;
  const job: DeployJob = {
    kind: 'deploy',
    id: jobId('0Af', jobs),
    zip,
    options,
    user,
    createdAt: now,
    dueAt: now + duration,
    secretGap: secretGap(ctx, user, SECRET_BEARING_TYPE),
  };
  jobs.deploys.set(job.id, job);
  if (duration > 0) {
    job.timer = setTimeout(() => void runDeploy(ctx, job), duration);
    job.timer.unref();
  }
  return job;
}

async function runDeploy(ctx: SoapContext, job: DeployJob): Promise<void> {
  if (job.result !== undefined || job.canceled === true || job.startedAt !== undefined) return;
  job.startedAt = (ctx.now ?? Date.now)();
  if (job.timer) clearTimeout(job.timer);
  job.result = await executeDeploy(ctx.store, job, new Date(job.startedAt).toISOString());
  job.completedAt = (ctx.now ?? Date.now)();
}

function failureMessage(type: string, fullName: string, fileName: string, problem: string, createdDate: string): Record<string, unknown> {
  return {
    changed: false,
    columnNumber: undefined,
    componentType: type,
    created: false,
    createdDate,
    deleted: false,
    fileName,
    fullName,
    lineNumber: undefined,
    problem,
    problemType: 'Error',
    success: false,
  };
}

function firstParseProblem(problems: ValidationProblem[]): ValidationProblem | undefined {
  return problems.find((p) => p.kind === 'parse');
}

async function executeDeploy(store: MetadataStore, job: DeployJob, now: string): Promise<DeployOutcome> {
  let files: Map<string, string>;
  try {
    files = await readZip(job.zip);
  } catch (error) {
    return zipLevelFailure(`The zip file could not be read: ${(error as Error).message}`);
  }
  const manifestText = files.get('package.xml');
  if (manifestText === undefined) return zipLevelFailure('No package.xml found');
  const failures: Array<Record<string, unknown>> = [];
  const packageSuccess = {
    changed: true,
    componentType: '',
    created: false,
    createdDate: now,
    deleted: false,
    fileName: 'package.xml',
    fullName: 'package.xml',
    success: true,
  };
  let manifest: XmlElement;
  try {
    manifest = parseXml(manifestText);
  } catch (error) {
    return {
      ...emptyOutcome(),
      failures: [failureMessage('', 'package.xml', 'package.xml', `Error parsing file: ${(error as Error).message}`, now)],
      errors: 1,
    };
  }
  type Planned = { type: string; fullName: string; fileName: string };
  const planned: Planned[] = [];
  for (const types of children(manifest, 'types')) {
    const type = childText(types, 'name') ?? '';
    const entry = registryEntry(type);
    if (!entry || !COMPLEX_TYPES[type] || type === 'Profile' || type === 'PermissionSet') {
      failures.push(failureMessage('', 'package.xml', 'package.xml', `Unknown type name '${type}' specified in package.xml`, now));
      continue;
    }
    let members = children(types, 'members').map((m) => m.text.trim());
    if (members.includes('*')) {
      members = [...files.keys()]
        .filter((p) => registryEntryForPath(p)?.xmlName === type)
        .map((p) => p.slice(entry.directoryName.length + 1, -(entry.suffix.length + 1)));
    }
    for (const fullName of members) {
      planned.push({ type, fullName, fileName: `${entry.directoryName}/${fullName}.${entry.suffix}` });
    }
  }
  const changes: ComponentChange[] = [];
  const changeFiles: string[] = [];
  for (const item of planned) {
    // Without secret access the component fails as a whole; with rollbackOnError nothing of the deploy is saved.
    if (item.type === SECRET_BEARING_TYPE && job.secretGap.length > 0) {
      failures.push(failureMessage(item.type, item.fullName, item.fileName, ecaSecretAccessMessage(job.secretGap), now));
      continue;
    }
    const text = files.get(item.fileName);
    if (text === undefined) {
      failures.push(
        failureMessage(
          item.type,
          item.fullName,
          'package.xml',
          `An object '${item.fullName}' of type ${item.type} was named in package.xml, but was not found in zipped directory`,
          now
        )
      );
      continue;
    }
    let root: XmlElement;
    try {
      root = parseXml(text);
    } catch (error) {
      failures.push(failureMessage(item.type, item.fullName, item.fileName, `Error parsing file: ${(error as Error).message}`, now));
      continue;
    }
    if (localName(root.name) !== item.type) {
      failures.push(
        failureMessage(item.type, item.fullName, item.fileName, `Error parsing file: The root element of a ${item.type} file must be ${item.type}, found ${localName(root.name)}`, now)
      );
      continue;
    }
    // Salesforce's parser stops at the first XML-level error of a file, so one problem per file is reported.
    const parsed = parseComponentElement(item.type, root, { source: 'deploy' });
    const parseProblem = firstParseProblem(parsed.problems);
    if (parseProblem) {
      failures.push(failureMessage(item.type, item.fullName, item.fileName, parseProblem.message, now));
      continue;
    }
    changes.push({ type: item.type, fullName: item.fullName, content: parsed.content });
    changeFiles.push(item.fileName);
  }
  const early = failures.length > 0;
  const results = store.save(changes, {
    mode: 'deploy',
    allOrNothing: job.options.rollbackOnError,
    checkOnly: job.options.checkOnly || (job.options.rollbackOnError && early),
    ignoreWarnings: job.options.ignoreWarnings,
    userId: job.user.id,
  });
  const successes: Array<Record<string, unknown>> = [];
  results.forEach((result, index) => {
    const fileName = changeFiles[index];
    if (result.success) {
      successes.push({
        changed: result.changed,
        componentType: result.type,
        created: result.created,
        createdDate: now,
        deleted: false,
        fileName,
        fullName: result.fullName,
        id: result.id,
        success: true,
      });
    } else {
      for (const error of result.errors) failures.push(failureMessage(result.type, result.fullName, fileName, error.message, now));
    }
  });
  const failedComponents = new Set(failures.map((f) => `${String(f.componentType)}:${String(f.fullName)}`)).size;
  const total = planned.length;
  const status: DeployOutcome['status'] =
    failures.length === 0 ? 'Succeeded' : job.options.rollbackOnError || successes.length === 0 ? 'Failed' : 'SucceededPartial';
  return {
    successes: [packageSuccess, ...successes],
    failures,
    total,
    deployed: successes.length,
    errors: failedComponents,
    status,
  };
}

function emptyOutcome(): DeployOutcome {
  return { successes: [], failures: [], total: 0, deployed: 0, errors: 0, status: 'Failed' };
}

function zipLevelFailure(message: string): DeployOutcome {
  return { ...emptyOutcome(), errorMessage: message, errorStatusCode: 'UNKNOWN_EXCEPTION' };
}

/** The DeployResult of a job in its current state (fields in WSDL order; jsforce and SDR read them by name). */
export function deployResult(ctx: SoapContext, job: DeployJob, includeDetails: boolean): Record<string, unknown> {
  const now = (ctx.now ?? Date.now)();
  const outcome = job.result;
  const done = outcome !== undefined || job.canceled === true;
  let status: string;
  if (job.canceled) status = 'Canceled';
  else if (outcome) status = outcome.status;
  else status = now < job.createdAt + (job.dueAt - job.createdAt) / 2 ? 'Pending' : 'InProgress';
  return {
    canceledBy: job.canceled ? job.user.id : undefined,
    canceledByName: job.canceled ? userDisplayName(job.user) : undefined,
    checkOnly: job.options.checkOnly,
    completedDate: done ? isoAt(job.completedAt ?? now) : undefined,
    createdBy: job.user.id,
    createdByName: userDisplayName(job.user),
    createdDate: isoAt(job.createdAt),
    details: includeDetails
      ? {
          componentFailures: outcome?.failures ?? [],
          componentSuccesses: outcome?.successes ?? [],
          runTestResult: { numFailures: 0, numTestsRun: 0, totalTime: 0 },
        }
      : undefined,
    done,
    errorMessage: outcome?.errorMessage,
    errorStatusCode: outcome?.errorStatusCode,
    id: job.id,
    ignoreWarnings: job.options.ignoreWarnings,
    lastModifiedDate: isoAt(job.completedAt ?? job.startedAt ?? job.createdAt),
    numberComponentErrors: outcome?.errors ?? 0,
    numberComponentsDeployed: outcome?.deployed ?? 0,
    numberComponentsTotal: outcome?.total ?? 0,
    numberTestErrors: 0,
    numberTestsCompleted: 0,
    numberTestsTotal: 0,
    rollbackOnError: job.options.rollbackOnError,
    runTestsEnabled: false,
    startDate: isoAt(job.startedAt ?? (done ? job.createdAt : undefined)),
    status,
    success: status === 'Succeeded',
  };
}

/** Find a deploy job, running it first if it is due. */
export async function pollDeploy(ctx: SoapContext, id: string): Promise<DeployJob | undefined> {
  const job = jobsOf(ctx.store).deploys.get(id);
  if (job && !job.result && !job.canceled && (ctx.now ?? Date.now)() >= job.dueAt) await runDeploy(ctx, job);
  return job;
}

export function cancelDeployJob(ctx: SoapContext, id: string): DeployJob | undefined {
  const job = jobsOf(ctx.store).deploys.get(id);
  if (job && !job.result && job.startedAt === undefined) {
    job.canceled = true;
    job.completedAt = (ctx.now ?? Date.now)();
    if (job.timer) clearTimeout(job.timer);
  }
  return job;
}

function bool(value: string | undefined, fallback: boolean): boolean {
  return value === undefined ? fallback : value === 'true';
}

function deployOptionsFrom(element: XmlElement | undefined): DeployOptions {
  return {
    rollbackOnError: bool(childText(element, 'rollbackOnError'), true),
    checkOnly: bool(childText(element, 'checkOnly'), false),
    ignoreWarnings: bool(childText(element, 'ignoreWarnings'), false),
    singlePackage: bool(childText(element, 'singlePackage'), false),
    purgeOnDelete: bool(childText(element, 'purgeOnDelete'), false),
    testLevel: childText(element, 'testLevel'),
    runTests: children(element, 'runTests').map((e) => e.text.trim()),
  };
}

// ------------------------------------------------------------------ retrieve

async function executeRetrieve(ctx: SoapContext, job: RetrieveJob): Promise<Record<string, unknown>> {
  const request = job.request;
  const singlePackage = bool(childText(request, 'singlePackage'), false);
  const prefix = singlePackage ? '' : 'unpackaged/';
  const unpackaged = child(request, 'unpackaged');
  const version = childText(unpackaged, 'version') ?? childText(request, 'apiVersion') ?? ctx.apiVersion;
  const files: Record<string, string> = {};
  const fileProperties: Array<Record<string, unknown>> = [];
  const messages: Array<Record<string, unknown>> = [];
  const manifestTypes: Array<{ name: string; members: string[] }> = [];
  const now = new Date((ctx.now ?? Date.now)()).toISOString();
  for (const types of children(unpackaged, 'types')) {
    const type = childText(types, 'name') ?? '';
    const entry = registryEntry(type);
    const requested = children(types, 'members').map((m) => m.text.trim());
    const available = ctx.store.list(type);
    const names = requested.includes('*') ? available.map((c) => c.fullName) : requested;
    const found: string[] = [];
    const gap = secretGap(ctx, job.user, type);
    for (const fullName of names) {
      const content = ctx.store.read(type, fullName);
      // Retrieve reports a refused component as a message and leaves its file out; the rest of the zip still comes.
      if (content && gap.length > 0) {
        messages.push({ fileName: `${prefix}package.xml`, problem: `${ecaSecretAccessMessage(gap)} ${fullName} was not retrieved.` });
        continue;
      }
      if (!entry || !content) {
        messages.push({
          fileName: `${prefix}package.xml`,
          problem: `Entity of type '${type}' named '${fullName}' cannot be found`,
        });
        continue;
      }
      const fileName = `${entry.directoryName}/${content.fullName as string}.${entry.suffix}`;
      files[`${prefix}${fileName}`] = componentToXmlDocument(type, content);
      const info = available.find((c) => c.fullName === content.fullName);
      fileProperties.push(fileProps(ctx, type, content.fullName as string, `${prefix}${fileName}`, info, job.user));
      found.push(content.fullName as string);
    }
    if (found.length > 0) manifestTypes.push({ name: type, members: found });
  }
  files[`${prefix}package.xml`] =
    `<?xml version="1.0" encoding="UTF-8"?>\n<Package xmlns="${METADATA_NS}">\n` +
    manifestTypes
      .map((t) => `    <types>\n${t.members.map((m) => `        <members>${escapeXml(m)}</members>\n`).join('')}        <name>${t.name}</name>\n    </types>\n`)
      .join('') +
    `    <version>${escapeXml(version)}</version>\n</Package>\n`;
  fileProperties.push({
    createdById: job.user.id,
    createdByName: userDisplayName(job.user),
    createdDate: now,
    fileName: `${prefix}package.xml`,
    fullName: `${prefix}package.xml`,
    id: '',
    lastModifiedById: job.user.id,
    lastModifiedByName: userDisplayName(job.user),
    lastModifiedDate: now,
    manageableState: 'unmanaged',
    type: 'Package',
  });
  return {
    done: true,
    fileProperties,
    id: job.id,
    messages,
    status: 'Succeeded',
    success: true,
    zipFile: await writeZip(files),
  };
}

function fileProps(
  ctx: SoapContext,
  type: string,
  fullName: string,
  fileName: string,
  info: { id: string; createdDate: string; lastModifiedDate: string; createdById: string; lastModifiedById: string } | undefined,
  user: EmulatedUser
): Record<string, unknown> {
  const nameOf = (id: string): string => ctx.userName?.(id) ?? (id === user.id ? userDisplayName(user) : 'Admin User');
  const createdById = info?.createdById ?? user.id;
  const lastModifiedById = info?.lastModifiedById ?? user.id;
  return {
    createdById,
    createdByName: nameOf(createdById),
    createdDate: info?.createdDate,
    fileName,
    fullName,
    id: info?.id,
    lastModifiedById,
    lastModifiedByName: nameOf(lastModifiedById),
    lastModifiedDate: info?.lastModifiedDate,
    manageableState: 'unmanaged',
    type,
  };
}

// ------------------------------------------------------------------ CRUD helpers

function saveErrors(errors: SaveError[]): Array<Record<string, unknown>> {
  return errors.map((e) => ({ fields: e.fields, message: e.message, statusCode: e.statusCode }));
}

function saveResult(result: ComponentResult): Record<string, unknown> {
  return { errors: result.success ? undefined : saveErrors(result.errors), fullName: result.fullName, success: result.success };
}

/** Parse the <metadata xsi:type="..."> items of a CRUD call; an xsd-level problem faults the whole request. */
function crudChanges(op: XmlElement): ComponentChange[] {
  return children(op, 'metadata').map((item) => {
    const type = xsiType(item);
    if (!type || !COMPLEX_TYPES[type]?.isMetadata) {
      throw new SoapFaultError('sf:INVALID_TYPE', `Unable to find complex type for: ${type ?? 'Metadata'}`);
    }
    const parsed = parseComponentElement(type, item, { source: 'crud' });
    const problem = firstParseProblem(parsed.problems);
    // Real SOAP parsing rejects the request (faultcode soapenv:Client), as apex-mdapi users report.
    if (problem) throw new SoapFaultError('soapenv:Client', problem.message);
    const fullName = typeof parsed.content.fullName === 'string' ? parsed.content.fullName : '';
    return { type, fullName, content: parsed.content };
  });
}

function missingFullName(changes: ComponentChange[]): ComponentResult[] | undefined {
  if (changes.every((c) => c.fullName !== '')) return undefined;
  return changes.map((c) => ({
    type: c.type,
    fullName: c.fullName,
    success: false,
    created: false,
    changed: false,
    deleted: false,
    errors: c.fullName === '' ? [{ statusCode: 'REQUIRED_FIELD_MISSING', message: 'Required field is missing: fullName', fields: ['fullName'] }] : [],
  }));
}

/**
 * A CRUD call with global OAuth settings the user may not write fails whole (simplest; UNCONFIRMED for mixed calls,
 * docs/salesforce-facts.md#f-eca-metadata-secret-access).
 */
function refusedSecretChanges(ctx: SoapContext, user: EmulatedUser, changes: ComponentChange[]): ComponentResult[] | undefined {
  const gap = ctx.ecaMetadataAccessGap?.(user) ?? [];
  if (gap.length === 0 || !changes.some((c) => c.type === SECRET_BEARING_TYPE)) return undefined;
  return changes.map((c) => ({
    type: c.type,
    fullName: c.fullName,
    success: false,
    created: false,
    changed: false,
    deleted: false,
    errors: [{ statusCode: 'INSUFFICIENT_ACCESS', message: ecaSecretAccessMessage(gap), fields: [] }],
  }));
}

function allOrNone(header: XmlElement | undefined): boolean {
  return childText(child(header, 'AllOrNoneHeader'), 'allOrNone') === 'true';
}

// ------------------------------------------------------------------ the SOAP entry point

export async function handleMetadataSoap(body: string, ctx: SoapContext): Promise<SoapResponse> {
  let root: XmlElement;
  try {
    root = parseXml(body);
  } catch (error) {
    return soapFault('soapenv:Client', `Unable to parse the request: ${(error as Error).message}`);
  }
  const header = child(root, 'Header');
  const bodyElement = child(root, 'Body');
  const op = bodyElement?.children[0];
  if (localName(root.name) !== 'Envelope' || !op) return soapFault('soapenv:Client', 'Missing SOAP Envelope or Body');
  const operation = localName(op.name);
  const sessionId = childText(child(header, 'SessionHeader'), 'sessionId') ?? '';
  const user = ctx.sessionUser(sessionId);
  if (!user) return soapFault('sf:INVALID_SESSION_ID', 'Invalid Session ID found in SessionHeader: Illegal Session', operation);
  try {
    return await dispatch(operation, op, header, ctx, user);
  } catch (error) {
    if (error instanceof SoapFaultError) return soapFault(error.code, error.message, operation);
    throw error;
  }
}

async function dispatch(
  operation: string,
  op: XmlElement,
  header: XmlElement | undefined,
  ctx: SoapContext,
  user: EmulatedUser
): Promise<SoapResponse> {
  const store = ctx.store;
  switch (operation) {
    case 'deploy': {
      const zipText = childText(op, 'ZipFile') ?? '';
      const job = startDeploy(ctx, Buffer.from(zipText, 'base64'), deployOptionsFrom(child(op, 'DeployOptions')), user);
      if (ctx.jobDurationMs === 0) await runDeploy(ctx, job);
      return respond(operation, [{ done: false, id: job.id, state: 'Queued' }]);
    }
    case 'checkDeployStatus': {
      const id = childText(op, 'asyncProcessId') ?? '';
      const job = await pollDeploy(ctx, id);
      if (!job) throw new SoapFaultError('sf:INVALID_ID_FIELD', `invalid deploy id: ${id}`);
      return respond(operation, [deployResult(ctx, job, childText(op, 'includeDetails') === 'true')]);
    }
    case 'cancelDeploy': {
      const id = childText(op, 'id') ?? childText(op, 'String') ?? '';
      const job = cancelDeployJob(ctx, id);
      if (!job) throw new SoapFaultError('sf:INVALID_ID_FIELD', `invalid deploy id: ${id}`);
      return respond(operation, [{ done: job.result !== undefined || job.canceled === true, id: job.id }]);
    }
    case 'readMetadata': {
      const type = childText(op, 'type') ?? '';
      // Documented limits (docs/salesforce-facts.md#f-md-call-limits); the fault's wording is the emulator's.
      const asked = children(op, 'fullNames').length;
      const limit = MAX_READ_NAMES_BY_TYPE[type] ?? MAX_READ_NAMES;
      if (asked > limit) {
        throw new SoapFaultError('sf:LIMIT_EXCEEDED', `readMetadata takes at most ${limit} full names per call; this call has ${asked}`);
      }
      // Chosen over an empty record: a fault tells the caller why, where an empty record reads as "no such component".
      const gap = secretGap(ctx, user, type);
      if (gap.length > 0) throw new SoapFaultError('sf:INSUFFICIENT_ACCESS', ecaSecretAccessMessage(gap));
      // A missing name reads as an empty record (docs/salesforce-facts.md#f-md-read-missing).
      const records = children(op, 'fullNames').map((n) => {
        const content = store.read(type, n.text.trim());
        return content ? { '@xsi:type': type, ...content } : null;
      });
      const inner = records.map((r) => writeValue('records', r)).join('');
      return {
        status: 200,
        body: envelope(`<readMetadataResponse><result>${inner}</result></readMetadataResponse>`),
        operation,
        contentType: CONTENT_TYPE,
      };
    }
    case 'createMetadata':
    case 'updateMetadata':
    case 'upsertMetadata': {
      const changes = crudChanges(op);
      const mode = operation === 'createMetadata' ? 'create' : operation === 'updateMetadata' ? 'update' : 'upsert';
      const results =
        missingFullName(changes) ??
        refusedSecretChanges(ctx, user, changes) ??
        store.save(changes, { mode, allOrNothing: allOrNone(header), userId: user.id });
      if (mode === 'upsert') {
        return respond(operation, results.map((r) => ({ created: r.created, ...saveResult(r) })));
      }
      return respond(operation, results.map(saveResult));
    }
    case 'deleteMetadata': {
      const type = childText(op, 'type') ?? '';
      const results = store.delete(type, children(op, 'fullNames').map((n) => n.text.trim()));
      return respond(operation, results.map(saveResult));
    }
    case 'renameMetadata': {
      const result = store.rename(childText(op, 'type') ?? '', childText(op, 'oldFullName') ?? '', childText(op, 'newFullName') ?? '');
      return respond(operation, [saveResult(result)]);
    }
    case 'listMetadata': {
      const queries = children(op, 'queries').length;
      if (queries > MAX_LIST_QUERIES) {
        throw new SoapFaultError('sf:LIMIT_EXCEEDED', `listMetadata takes at most ${MAX_LIST_QUERIES} queries per call; this call has ${queries}`);
      }
      const results: Array<Record<string, unknown>> = [];
      for (const query of children(op, 'queries')) {
        const type = childText(query, 'type') ?? '';
        const entry = registryEntry(type);
        if (!entry) continue;
        for (const info of store.list(type)) {
          results.push(fileProps(ctx, type, info.fullName, `${entry.directoryName}/${info.fullName}.${entry.suffix}`, info, user));
        }
      }
      return respond(operation, results);
    }
    case 'describeMetadata':
      return respond(operation, [
        {
          metadataObjects: REGISTRY.map((entry) => ({
            directoryName: entry.directoryName,
            inFolder: false,
            metaFile: false,
            suffix: entry.suffix,
            xmlName: entry.xmlName,
          })),
          organizationNamespace: '',
          partialSaveAllowed: true,
          testRequired: false,
        },
      ]);
    case 'retrieve': {
      const jobs = jobsOf(store);
      const now = (ctx.now ?? Date.now)();
      const request = child(op, 'request') ?? op;
      const job: RetrieveJob = { kind: 'retrieve', id: jobId('09S', jobs), dueAt: now + (ctx.jobDurationMs ?? DEFAULT_JOB_MS), request, user };
      jobs.retrieves.set(job.id, job);
      return respond(operation, [{ done: false, id: job.id, state: 'Queued' }]);
    }
    case 'checkRetrieveStatus': {
      const id = childText(op, 'asyncProcessId') ?? '';
      const job = jobsOf(store).retrieves.get(id);
      if (!job) throw new SoapFaultError('sf:INVALID_ID_FIELD', `invalid retrieve id: ${id}`);
      if ((ctx.now ?? Date.now)() < job.dueAt) {
        return respond(operation, [{ done: false, id: job.id, status: 'InProgress', success: false }]);
      }
      job.result ??= await executeRetrieve(ctx, job);
      if (childText(op, 'includeZip') === 'false') return respond(operation, [{ ...job.result, zipFile: undefined }]);
      return respond(operation, [job.result]);
    }
    default:
      throw new SoapFaultError('soapenv:Client', `No operation available for request {${METADATA_NS}}${operation}`);
  }
}

// ------------------------------------------------------------------ REST deploy (/services/data/vXX.X/metadata/deployRequest)

export type RestDeployRequest = {
  method: string;
  /** The path after /services/data/vXX.X, e.g. /metadata/deployRequest or /metadata/deployRequest/0Af... */
  path: string;
  contentType: string;
  body: Buffer;
  query: URLSearchParams;
};

export type RestResponse = { status: number; body: string; contentType: string };

function json(status: number, value: unknown): RestResponse {
  return { status, body: JSON.stringify(value), contentType: 'application/json;charset=UTF-8' };
}

/** Split a multipart/form-data body into named parts. */
export function parseMultipart(body: Buffer, contentType: string): Map<string, Buffer> {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  const parts = new Map<string, Buffer>();
  if (!boundary) return parts;
  const delimiter = Buffer.from(`--${boundary}`);
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next === -1) break;
    const part = body.subarray(start + delimiter.length + 2, next - 2);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd !== -1) {
      const headers = part.subarray(0, headerEnd).toString('utf8');
      const name = /name="([^"]+)"/i.exec(headers)?.[1];
      if (name) parts.set(name, part.subarray(headerEnd + 4));
    }
    start = next;
  }
  return parts;
}

function restDeployBody(ctx: SoapContext, job: DeployJob, includeDetails: boolean): Record<string, unknown> {
  const result = deployResult(ctx, job, includeDetails);
  // JSON has no "absent": drop undefined fields the way the SOAP writer does.
  return {
    id: job.id,
    validatedDeployRequestId: null,
    deployOptions: job.options,
    deployResult: JSON.parse(JSON.stringify(result)) as unknown,
  };
}

/**
 * POST (multipart: `file` zip + `entity_content` JSON deployOptions) -> 201 {id, deployOptions, deployResult};
 * GET /<id>?includeDetails=true -> 200; PATCH /<id> {"deployResult":{"status":"Canceling"}} cancels.
 * The caller authenticates the Bearer token and passes the user.
 */
export async function handleRestDeploy(request: RestDeployRequest, ctx: SoapContext, user: EmulatedUser): Promise<RestResponse> {
  const match = /^\/metadata\/deployRequest(?:\/([^/?]+))?\/?$/.exec(request.path);
  if (!match) return json(404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
  const id = match[1];
  if (request.method === 'POST' && !id) {
    const parts = parseMultipart(request.body, request.contentType);
    const zip = parts.get('file');
    if (!zip) return json(400, [{ errorCode: 'INVALID_MULTIPART_REQUEST', message: 'The request must include a zip file part named file' }]);
    let options: Partial<DeployOptions> = {};
    try {
      const entity = parts.get('entity_content');
      options = entity ? ((JSON.parse(entity.toString('utf8')) as { deployOptions?: Partial<DeployOptions> }).deployOptions ?? {}) : {};
    } catch {
      return json(400, [{ errorCode: 'JSON_PARSER_ERROR', message: 'The entity_content part is not valid JSON' }]);
    }
    const job = startDeploy(
      ctx,
      zip,
      {
        rollbackOnError: options.rollbackOnError ?? true,
        checkOnly: options.checkOnly ?? false,
        ignoreWarnings: options.ignoreWarnings ?? false,
        singlePackage: options.singlePackage ?? false,
        purgeOnDelete: options.purgeOnDelete ?? false,
        ...(options.testLevel ? { testLevel: options.testLevel } : {}),
        runTests: options.runTests ?? [],
      },
      user
    );
    if (ctx.jobDurationMs === 0) await runDeploy(ctx, job);
    return json(201, restDeployBody(ctx, job, false));
  }
  if (!id) return json(405, [{ errorCode: 'METHOD_NOT_ALLOWED', message: `HTTP Method '${request.method}' not allowed. Allowed are POST` }]);
  if (request.method === 'GET') {
    const job = await pollDeploy(ctx, id);
    if (!job) return json(404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
    return json(200, restDeployBody(ctx, job, request.query.get('includeDetails') === 'true'));
  }
  if (request.method === 'PATCH') {
    const job = cancelDeployJob(ctx, id);
    if (!job) return json(404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
    return json(202, restDeployBody(ctx, job, false));
  }
  return json(405, [{ errorCode: 'METHOD_NOT_ALLOWED', message: `HTTP Method '${request.method}' not allowed. Allowed are GET,PATCH` }]);
}
