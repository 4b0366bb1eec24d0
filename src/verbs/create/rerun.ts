/*
 * Commands a failed create suggests, ready to paste: the same create again (which reuses the key pair the failed run
 * made and finishes the app), or the same create for the other app kind.
 */
import { appKindInfo } from '../../metadata/appKinds.js';
import { quote } from '../../util/shell.js';
import type { CreateAppContext, CreationPlan } from './types.js';

export { quote } from '../../util/shell.js';

/** Flags that place a new key pair: a rerun given the pair itself has no use for them. */
const KEY_PLACE_FLAGS = ['--jwt-key-file', '--output-dir', '--certificate-days'];


/** argv without the named flags (and the value of those that take one, given as a separate word). */
export function withoutFlags(argv: readonly string[], dropped: readonly string[], withValue: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const [name] = argv[i].split('=');
    if (!dropped.includes(name)) kept.push(argv[i]);
    else if (withValue.includes(name) && !argv[i].includes('=')) i++;
  }
  return kept;
}

/**
 * The flags to run the same create again. A key pair in the plugin's own folder is found and reused by the rerun as
 * it is; one in a place the user chose is passed as --certificate-file and --jwt-key-file (the rerun would otherwise
 * stop at "already exists"), with --update-existing so that an app the org already took is completed, not refused.
 */
export function rerunArgs(argv: readonly string[], plan: Pick<CreationPlan, 'keyPlan'>, userPlacedKey: boolean): string[] {
  if (!plan.keyPlan || !userPlacedKey) return [...argv];
  const kept = withoutFlags(argv, KEY_PLACE_FLAGS, KEY_PLACE_FLAGS);
  const update = kept.includes('--update-existing') ? [] : ['--update-existing'];
  return [...kept, '--certificate-file', plan.keyPlan.certificatePath, '--jwt-key-file', plan.keyPlan.privateKeyPath, ...update];
}

/** `sf <topic> create ...` for the rerun, quoted for a POSIX shell. */
export function rerunCommand(context: Pick<CreateAppContext, 'kind' | 'argv'>, plan: Pick<CreationPlan, 'keyPlan'>, userPlacedKey: boolean): string {
  return `sf ${appKindInfo(context.kind).topic} create ${rerunArgs(context.argv, plan, userPlacedKey).map(quote).join(' ')}`;
}
