/*
 * The OAuth flow switches as metadata elements, from the settings table: which element of ConnectedAppOauthConfig or
 * ExtlClntAppGlobalOauthSettings holds each switch, inverted or not, and what an absent element means.
 */
import type { AppKind, OAuthFlowSettings } from '../model/appModel.js';
import { FLOW_SWITCH_ROWS, type FlowSwitch } from '../model/settings.js';
import type { Loose } from '../util/records.js';
import { asBool } from './readers.js';

/** The elements of a kind's flow switches, keyed by element name. */
export function flowElements(flows: OAuthFlowSettings, kind: AppKind): Record<string, boolean> {
  const elements: Record<string, boolean> = {};
  for (const row of FLOW_SWITCH_ROWS) {
    const element = row.element[kind];
    if (element) elements[element] = row.element.inverted ? !flows[row.switch] : flows[row.switch];
  }
  return elements;
}

/** The flow switches the elements hold; a switch the kind has no element for is off. */
export function readFlowSwitches(container: Loose, kind: AppKind): Record<FlowSwitch, boolean> {
  const switches = {} as Record<FlowSwitch, boolean>;
  for (const row of FLOW_SWITCH_ROWS) {
    const element = row.element[kind];
    const absent = typeof row.element.absent === 'object' ? row.element.absent[kind] ?? false : row.element.absent ?? false;
    const value = element ? asBool(container[element], absent) : false;
    switches[row.switch] = row.element.inverted && element ? !value : value;
  }
  return switches;
}

/**
 * The elements in the WSDL's sequence order. The types whose content the builders sort (ConnectedAppOauthConfig and
 * its token configs, ExtlClntAppGlobalOauthSettings, ExtlClntAppOauthSettings, ExternalAppIdTokenConfig) have
 * alphabetical sequences in the v63 WSDL; the builders' tests check each against the sequence.
 */
export function inElementOrder<T extends Loose>(content: T): T {
  return Object.fromEntries(Object.entries(content).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) as T;
}
