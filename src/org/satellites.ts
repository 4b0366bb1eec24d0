/*
 * Finding an app's satellites: the components of other types that name the app (an External Client App's settings
 * and policies name theirs in externalClientApplication). They are found by what they reference, never by name
 * alone: apps made in Setup or by other tools name them their own way (docs/salesforce-facts.md#f-eca-setup-names).
 * Requests are kept few: the likely names are read first (one readMetadata per type), and only a type they miss is
 * listed (three types per listMetadata) and its other components read, ten per call.
 */
import type { Connection } from '@salesforce/core';
import type { MetadataComponent } from '../model/appModel.js';
import type { AppKindInfo } from '../metadata/appKinds.js';
import { errorMessage } from '../util/records.js';
import { listComponentsByType, readComponents, type RequestCounter } from './metadataReads.js';

/**
 * 'first': one component per type is enough (display, update): likely names first, a type listed only when they miss.
 * 'every': every component that references the app (delete): each type is listed and every component of it read.
 */
export type SatelliteSearch = 'first' | 'every';

export type SatellitesFound = {
  /** The components that reference the app, in the order of the types asked for. */
  components: MetadataComponent[];
  /** Types the org would not hand out (or list), with its reason. */
  unreadable: Map<string, string>;
};

export async function findSatellites(
  conn: Connection,
  info: Pick<AppKindInfo, 'satelliteNames' | 'referencedApp'>,
  appName: string,
  types: readonly string[],
  search: SatelliteSearch,
  counter: RequestCounter
): Promise<SatellitesFound> {
  const found: MetadataComponent[] = [];
  const unreadable = new Map<string, string>();
  const tried = new Map<string, Set<string>>(types.map((type) => [type, new Set<string>()]));
  const read = async (type: string, names: string[]): Promise<void> => {
    const fresh = [...new Set(names)].filter((name) => !tried.get(type)!.has(name));
    fresh.forEach((name) => tried.get(type)!.add(name));
    if (fresh.length === 0) return;
    try {
      const components = await readComponents(conn, type, fresh, counter);
      found.push(...components.filter((component) => info.referencedApp(component) === appName));
    } catch (error) {
      // The global OAuth settings need extra permissions to read; the rest of the app is still worth having.
      unreadable.set(type, errorMessage(error));
    }
  };

  if (search === 'first') await Promise.all(types.map((type) => read(type, info.satelliteNames(appName, type))));
  const toList = types.filter(
    (type) => !unreadable.has(type) && (search === 'every' || !found.some((component) => component.type === type))
  );
  if (toList.length > 0) {
    try {
      const listed = await listComponentsByType(conn, toList, counter);
      await Promise.all(toList.map((type) => read(type, (listed.get(type) ?? []).map((file) => file.fullName))));
    } catch (error) {
      toList.forEach((type) => unreadable.set(type, errorMessage(error)));
    }
  }
  return { components: types.flatMap((type) => found.filter((component) => component.type === type)), unreadable };
}
