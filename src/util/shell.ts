/*
 * Words of a command line the user can paste into a POSIX shell.
 */

/** The value as one shell word: as it is when it has nothing the shell reads, else in single quotes. */
export function quote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, "'\\''")}'`;
}
