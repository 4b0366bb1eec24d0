/*
 * SOQL text from values: every query the plugin builds quotes its values here, so a name can never change a query.
 */

/** A SOQL string literal: backslashes and quotes escaped (SOQL reference, "Quoted String Escape Sequences"). */
export const soqlString = (value: string): string => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** `(a, b, c)` for an IN clause. */
export const soqlList = (values: readonly string[]): string => `(${values.map(soqlString).join(', ')})`;
