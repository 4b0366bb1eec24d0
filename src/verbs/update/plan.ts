/*
 * What an update sends: the org's components with only the changed elements replaced.
 */
import { Messages } from '@salesforce/core';
import type { OAuthAppDefinition } from '../../model/appModel.js';
import { assertClientCredentialsUserExists } from '../../org/lookups.js';
import { checkCertificateText } from '../../files/keyFiles.js';
import { appKindInfo } from '../../metadata/appKinds.js';
import { withoutCredentials } from '../../metadata/credentialElements.js';
import { appNotFoundError, readApp, type AppRecord } from '../../org/inventory.js';
import { sameCertificate } from '../../util/pem.js';
import type { Loose } from '../../util/records.js';
import { applyUpdateRequest } from './request.js';
import { diffContent, settingChanges } from './diff.js';
import { applyElementChanges, withoutEmptyLists } from './merge.js';
import type { ComponentUpdate, ElementChange, UpdateContext, UpdatePlan, UpdateRequest } from './types.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.app-update');

// ---------------------------------------------------------------------------------------------------------------
// Planning and carrying out an update.

export type PlanOptions = {
  rotateConsumerKey?: boolean;
  rotateConsumerSecret?: boolean;
};

/** Works out what an update sends, from the app as the org has it and the definition it should have. */
export function planFromRecord(
  record: AppRecord,
  after: OAuthAppDefinition,
  options: PlanOptions = {},
  warnings: string[] = []
): UpdatePlan {
  const info = appKindInfo(record.kind);
  const before = record.definition;
  // Credentials never change through an update: the key is fixed, the secret is not readable.
  const target: OAuthAppDefinition = { ...after, name: before.name, consumerKey: before.consumerKey };
  delete target.consumerSecret;
  if (sameCertificate(target.certificate, before.certificate)) target.certificate = before.certificate;
  const source: OAuthAppDefinition = { ...before };
  delete source.consumerSecret;
  const built0 = info.build(source);
  const built1 = info.build(target);
  const components: ComponentUpdate[] = [];
  for (const component of built1) {
    const old = built0.find((c) => c.type === component.type);
    const changes = diffContent(component.type, old?.content ?? {}, component.content);
    const rotation = component.type === 'ExtlClntAppGlobalOauthSettings' ? rotationChanges(options) : [];
    if (changes.length === 0 && rotation.length === 0) continue;
    const org = record.components.find((c) => c.type === component.type);
    // What the org lacks or would not hand out is never made up: sending it would overwrite what the org holds.
    assertChangeable(record, [...changes, ...rotation], org !== undefined);
    components.push({
      type: component.type,
      fullName: org!.fullName,
      // Never the consumer key or secret: the org refuses a connected app's key on update, and neither changes here.
      content: withoutCredentials({
        ...component,
        content: applyElementChanges(withoutEmptyLists(org!.content) as Loose, [...changes, ...rotation], component.content),
      }).content,
      changes,
      elements: [...changes, ...rotation].map((change) => change.path.join('.')),
    });
  }
  return {
    kind: record.kind,
    name: record.name,
    record,
    before,
    after: target,
    settings: settingChanges(before, target),
    components,
    rotating: Boolean(options.rotateConsumerKey) || Boolean(options.rotateConsumerSecret),
    warnings,
  };
}

/**
 * Refuses changes to a holder of settings the org does not have or would not hand out, naming it. The plugin does not
 * create one for an existing app: whether an org takes a new global OAuth settings, OAuth settings or OAuth policies
 * component for an app that has none is not documented (docs/salesforce-facts.md#f-eca-setup-names), and an
 * unreadable one exists and would be overwritten.
 */
function assertChangeable(record: AppRecord, changes: ElementChange[], componentFound: boolean): void {
  const info = appKindInfo(record.kind);
  const [type] = changes.map((change) => change.type);
  const gap = record.gaps.find(
    (candidate) =>
      candidate.type === type &&
      changes.some((change) => candidate.path.every((step, i) => change.path[i] === step))
  );
  const settings = gap ? gap.settings.join(', ') : type;
  if (gap?.reason === 'unreadable') {
    throw messages.createError('error.ComponentUnreadable', [gap.description, info.article, record.name, gap.detail ?? '', settings]);
  }
  if (gap !== undefined || !componentFound) {
    const description = gap?.description ?? `${type} component`;
    const retrieve = `${type}:${type === info.headerType ? record.name : '*'}`;
    throw messages.createError('error.ComponentMissing', [info.article, record.name, description, settings], [retrieve]);
  }
}

function rotationChanges(options: PlanOptions): ElementChange[] {
  const type = 'ExtlClntAppGlobalOauthSettings';
  return [
    ...(options.rotateConsumerKey ? [{ type, path: ['shouldRotateConsumerKey'], before: false, after: true }] : []),
    ...(options.rotateConsumerSecret ? [{ type, path: ['shouldRotateConsumerSecret'], before: false, after: true }] : []),
  ];
}

/** Reads the app and plans the requested change. Fails before anything is sent when the org has no such app. */
export async function planUpdate(
  context: UpdateContext,
  name: string,
  request: UpdateRequest,
  options: PlanOptions = {}
): Promise<UpdatePlan> {
  if (!appKindInfo(context.kind).consumerRotation && (Boolean(options.rotateConsumerKey) || Boolean(options.rotateConsumerSecret))) {
    throw messages.createError('error.ConnectedAppRotation');
  }
  const record = await readApp(context.conn, context.kind, name, { counter: context.counter, warn: context.warn });
  if (!record) throw appNotFoundError(context.kind, name);
  const { definition, warnings } = applyUpdateRequest(record.definition, request, context.kind, {
    myDomainUrl: context.conn.instanceUrl,
  });
  // A new certificate from a definition file is checked as create checks one, valid now, before anything is sent.
  if (request.certificatePem !== undefined && !sameCertificate(request.certificatePem, record.definition.certificate)) {
    warnings.push(...checkCertificateText(request.certificatePem, messages.getMessage('label.definitionFile')).warnings);
  }
  // A new run-as user must exist, as at create: checked before anything is sent.
  if (definition.flows.clientCredentialsUser !== record.definition.flows.clientCredentialsUser) {
    await assertClientCredentialsUserExists(context.conn, definition);
  }
  return planFromRecord(record, definition, options, warnings);
}
