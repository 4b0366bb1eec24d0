/*
 * The commands verify suggests, built one way: runnable as printed (values quoted for a POSIX shell), with the
 * plugin's own flag names (src/model/settings.ts, src/cli/updateFlags.ts) and sf's.
 */
import { appKindInfo } from '../../metadata/appKinds.js';
import { quote } from '../create/deploy.js';
import type { VerifyFacts } from './types.js';

const line = (words: string[]): string => words.map(quote).join(' ');

/** `sf <topic> <verb> --name <app> --target-org <org> <more>`. */
export function appCommand(facts: VerifyFacts, verb: 'update' | 'rotate-certificate' | 'list' | 'delete' | 'create', ...more: string[]): string {
  const { topic } = appKindInfo(facts.kind);
  const named = verb === 'list' ? [] : ['--name', facts.options.name];
  return line(['sf', topic, verb, ...named, '--target-org', facts.options.targetOrg, ...more]);
}

/** Any other sf command, against the target org. */
export const sfCommand = (facts: VerifyFacts, ...words: string[]): string =>
  line(['sf', ...words, '--target-org', facts.options.targetOrg]);

/** The JWT login that verify checks, as the user would run it. */
export const loginCommand = (facts: VerifyFacts, loginUrl = facts.options.loginUrl): string =>
  line([
    'sf',
    'org',
    'login',
    'jwt',
    '--client-id',
    facts.consumerKey ?? facts.record?.consumerKey ?? '<consumer key>',
    '--jwt-key-file',
    facts.options.jwtKeyFile ?? '<private key file>',
    '--username',
    facts.options.username,
    '--instance-url',
    loginUrl,
  ]);
