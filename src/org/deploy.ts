/*
 * Getting app metadata into an org, and reading it back.
 *
 * Two paths, chosen by what is being deployed:
 * - one component (a connected app): the Metadata API's createMetadata call, one request, synchronous;
 * - several components that reference each other (an External Client App): one zip deploy, so the org sees the
 *   whole set at once, exactly as `sf project deploy start` would send it (deploy, then checkDeployStatus polls).
 */
import type { Connection } from '@salesforce/core';
import JSZip from 'jszip';
import { sleep } from '@salesforce/kit';
import type { MetadataComponent } from '../model/appModel.js';
import { toSourceXml } from '../metadata/xml.js';
import { metadataTypeInfo } from '../metadata/registry.js';
import { asList } from '../util/records.js';
import { withReadRetry } from './retry.js';

export type DeployProblem = {
  type: string;
  fullName: string;
  fileName?: string;
  message: string;
  statusCode?: string;
};

export type DeployOutcome = {
  method: 'createMetadata' | 'deploy';
  success: boolean;
  /** Async deploy id, for the zip path. */
  id?: string;
  /** Requests sent to the org for the deployment (not counting login or token refreshes). */
  requests: number;
  problems: DeployProblem[];
};

export type DeployProgress = (status: string) => void;

/** jsforce types metadata type names as a closed union; ours come from the metadata registry. */
type JsforceMetadataType = Parameters<Connection['metadata']['read']>[0];

type SaveError = { message?: string; statusCode?: string };
/** What createMetadata, updateMetadata and deleteMetadata answer for each component. */
export type SaveResult = { fullName?: string; success?: boolean | string; errors?: SaveError | SaveError[] };

const isTrue = (value: unknown): boolean => value === true || value === 'true';

/** The problems of one CRUD answer: none when it succeeded, at least one when it did not. */
export function saveProblems(result: SaveResult | undefined, component: { type: string; fullName: string }): DeployProblem[] {
  if (isTrue(result?.success)) return [];
  const errors = asList(result?.errors);
  return (errors.length > 0 ? errors : [{ message: 'unknown error' }]).map((error) => ({
    type: component.type,
    fullName: component.fullName,
    message: error.message ?? 'unknown error',
    statusCode: error.statusCode,
  }));
}

/** One CRUD call per component, in order, stopping at the first failure. */
async function crud(
  conn: Connection,
  call: 'create' | 'update',
  components: readonly MetadataComponent[]
): Promise<DeployOutcome> {
  const problems: DeployProblem[] = [];
  let requests = 0;
  for (const component of components) {
    requests++;
    // jsforce sends the object's keys in order; fullName first, as a retrieve shows it.
    // eslint-disable-next-line no-await-in-loop
    const metadata = { fullName: component.fullName, ...component.content } as never;
    const type = component.type as JsforceMetadataType;
    // eslint-disable-next-line no-await-in-loop
    const result = (await (call === 'create'
      ? conn.metadata.create(type, metadata)
      : conn.metadata.update(type, metadata))) as unknown as SaveResult;
    problems.push(...saveProblems(result, component));
    if (problems.length > 0) break;
  }
  return { method: 'createMetadata', success: problems.length === 0, requests, problems };
}

/** Creates the components with one createMetadata call each. */
export const createWithCrud = (conn: Connection, components: readonly MetadataComponent[]): Promise<DeployOutcome> =>
  crud(conn, 'create', components);

/** Replaces the components with one updateMetadata call each (the whole content goes, as the call requires). */
export const updateWithCrud = (conn: Connection, components: readonly MetadataComponent[]): Promise<DeployOutcome> =>
  crud(conn, 'update', components);

/** Builds a Metadata API format zip (package.xml at the root, singlePackage) for the components. */
export async function buildDeployZip(components: MetadataComponent[], apiVersion: string): Promise<Buffer> {
  const zip = new JSZip();
  const byType = new Map<string, string[]>();
  for (const component of components) {
    const info = metadataTypeInfo(component.type);
    zip.file(`${info.directoryName}/${component.fullName}.${info.suffix}`, toSourceXml(component));
    byType.set(component.type, [...(byType.get(component.type) ?? []), component.fullName]);
  }
  const types = [...byType.entries()]
    .map(
      ([type, members]) =>
        `    <types>\n${members.map((m) => `        <members>${m}</members>\n`).join('')}        <name>${type}</name>\n    </types>\n`
    )
    .join('');
  zip.file(
    'package.xml',
    `<?xml version="1.0" encoding="UTF-8"?>\n<Package xmlns="http://soap.sforce.com/2006/04/metadata">\n${types}    <version>${apiVersion}</version>\n</Package>\n`
  );
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

type DeployMessage = {
  componentType?: string;
  fullName?: string;
  fileName?: string;
  problem?: string;
  problemType?: string;
  success?: boolean | string;
};

type DeployStatus = {
  id: string;
  done: boolean | string;
  status?: string;
  success?: boolean | string;
  errorMessage?: string;
  errorStatusCode?: string;
  numberComponentsDeployed?: number | string;
  numberComponentsTotal?: number | string;
  details?: { componentFailures?: DeployMessage | DeployMessage[] };
};


/**
 * Deploys the components as one zip and waits for the result. Polls quickly at first (an org finishes a small
 * deploy in well under a second) and backs off to the 1 s interval the CLI uses.
 */
export async function deployZip(
  conn: Connection,
  components: MetadataComponent[],
  options: { apiVersion: string; waitMs: number; onProgress?: DeployProgress; ignoreWarnings?: boolean }
): Promise<DeployOutcome> {
  const zip = await buildDeployZip(components, options.apiVersion);
  const locator = conn.metadata.deploy(zip, {
    rollbackOnError: true,
    singlePackage: true,
    // Only consumer key/secret rotation asks for this: Salesforce answers rotation with a warning.
    ignoreWarnings: options.ignoreWarnings ?? false,
    checkOnly: false,
  });
  // Awaiting the locator gives the deploy call's own answer (the async id), without a status call.
  const started = (await locator) as unknown as { id: string };
  let requests = 1;
  const deadline = Date.now() + options.waitMs;
  let interval = 100;
  let status: DeployStatus;
  for (;;) {
    // eslint-disable-next-line no-await-in-loop
    await sleep(interval);
    requests++;
    // eslint-disable-next-line no-await-in-loop
    status = (await withReadRetry(() => conn.metadata.checkDeployStatus(started.id, true))) as unknown as DeployStatus;
    options.onProgress?.(status.status ?? 'InProgress');
    if (isTrue(status.done)) break;
    if (Date.now() > deadline) {
      return {
        method: 'deploy',
        success: false,
        id: started.id,
        requests,
        problems: [{ type: '', fullName: '', message: `The deploy ${started.id} did not finish in time.` }],
      };
    }
    interval = Math.min(1000, interval * 2);
  }
  const failures = asList(status.details?.componentFailures).map(
    (failure): DeployProblem => ({
      type: failure.componentType ?? '',
      fullName: failure.fullName ?? '',
      fileName: failure.fileName,
      message: failure.problem ?? 'unknown problem',
    })
  );
  if (!isTrue(status.success) && failures.length === 0) {
    failures.push({
      type: '',
      fullName: '',
      message: status.errorMessage ?? `Deploy ${status.status ?? 'failed'}`,
      statusCode: status.errorStatusCode,
    });
  }
  return { method: 'deploy', success: isTrue(status.success), id: started.id, requests, problems: failures };
}
