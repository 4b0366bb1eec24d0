/*
 * Small helpers for the plain objects metadata and settings travel in. One copy each: every module uses these.
 */

/** A plain object (metadata content, a settings layer). */
export type Loose = Record<string, unknown>;

export const isRecord = (value: unknown): value is Loose =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** The same value, compared as JSON (key order counts, as it does in metadata). */
export const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** A copy without the keys whose value is undefined, so the object holds only what is set. */
export function compact<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as T;
}

/**
 * A repeatable element (or SOAP field) as a list: absent, null and empty text are no items; one value is one item.
 * jsforce and XML parsers return a single child as a value, several as an array.
 */
export function asList<T = unknown>(value: T | T[] | undefined | null | ''): T[] {
  if (value === undefined || value === null || value === '') return [];
  return Array.isArray(value) ? value : [value];
}

/** An error's message, whatever was thrown. */
export const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));
