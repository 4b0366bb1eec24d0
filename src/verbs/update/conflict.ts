/*
 * Two updates of one app at once: each plans from what it read, and the later write would silently undo the earlier
 * one. Just before writing, the components about to be sent are read again. Unchanged: sent as planned. Changed by
 * someone else in elements this update does not touch: this update's changes are applied to the fresh content (the
 * other change is kept). Changed in an element this update changes too: refused, naming the elements.
 */
import { Messages } from '@salesforce/core';
import { appKindInfo } from '../../metadata/appKinds.js';
import { withoutCredentials } from '../../metadata/credentialElements.js';
import { readComponents, RequestCounter } from '../../org/metadataReads.js';
import { isRecord, same, type Loose } from '../../util/records.js';
import { applyElementChanges, withoutEmptyLists } from './merge.js';
import type { ComponentUpdate, UpdateContext, UpdatePlan } from './types.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-oauth-apps', 'shared.app-update');

/** The element paths (dotted) whose values differ between two versions of a component's content. */
export function changedElements(before: Loose, after: Loose, prefix: string[] = []): string[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return keys.flatMap((key) => {
    const [a, b] = [before[key], after[key]];
    if (same(a, b)) return [];
    if (isRecord(a) && isRecord(b)) return changedElements(a, b, [...prefix, key]);
    return [[...prefix, key].join('.')];
  });
}

const overlaps = (a: string, b: string): boolean => a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);

/**
 * The plan, checked against the org as it is now (one readMetadata per component sent, counted): the same plan when
 * nothing changed, the plan re-applied to the fresh content when another change touched other elements, or an
 * UpdateConflict error.
 */
export async function replanOnFreshState(plan: UpdatePlan, context: UpdateContext & { rerunCommand?: string }): Promise<UpdatePlan> {
  if (plan.components.length === 0) return plan;
  const counter = context.counter ?? new RequestCounter();
  const fresh = await Promise.all(plan.components.map((c) => readComponents(context.conn, c.type, [c.fullName], counter)));
  const reference = new Map(appKindInfo(plan.kind).build(plan.after).map((c) => [c.type, c.content]));
  const clashes: string[] = [];
  const components = plan.components.map((component, i): ComponentUpdate => {
    const read = plan.record.components.find((c) => c.type === component.type && c.fullName === component.fullName);
    const now = fresh[i][0];
    // Gone since the plan: the write would fail or make it anew; either way not this update's call.
    if (!read || !now) {
      clashes.push(`${component.type} ${component.fullName}`);
      return component;
    }
    const others = changedElements(read.content, now.content);
    if (others.length === 0) return component;
    const ours = component.elements;
    const clash = others.filter((element) => ours.some((mine) => overlaps(element, mine)));
    clashes.push(...clash.map((element) => `${component.type}.${element}`));
    const rotation = component.elements
      .filter((element) => !component.changes.some((change) => change.path.join('.') === element))
      .map((element) => ({ type: component.type, path: element.split('.'), before: false, after: true }));
    const content = applyElementChanges(withoutEmptyLists(now.content) as Loose, [...component.changes, ...rotation], reference.get(component.type) ?? {});
    return { ...component, content: withoutCredentials({ type: component.type, fullName: component.fullName, content }).content };
  });
  if (clashes.length > 0) {
    const info = appKindInfo(plan.kind);
    throw messages.createError(
      'error.UpdateConflict',
      [info.article, plan.name, clashes.join(', ')],
      [context.rerunCommand ?? `sf ${info.topic} update --name ${plan.name}`, `sf ${info.topic} display --name ${plan.name}`]
    );
  }
  return { ...plan, components };
}

const at = (content: Loose, path: string[]): unknown => path.reduce<unknown>((holder, key) => (isRecord(holder) ? holder[key] : undefined), content);

/**
 * Whether the org holds what the plan sent, in every element it changes (read again, one readMetadata per component):
 * how a write whose answer was lost is told apart from one that never happened.
 */
export async function changeInOrg(plan: UpdatePlan, context: UpdateContext): Promise<boolean> {
  const counter = context.counter ?? new RequestCounter();
  const now = await Promise.all(plan.components.map((c) => readComponents(context.conn, c.type, [c.fullName], counter)));
  return plan.components.every((component, i) => {
    const org = now[i][0];
    return org !== undefined && component.changes.every((change) => same(at(org.content, change.path), at(component.content, change.path)));
  });
}
