/*
 * The Salesforce behaviours the org lane checks, each mapped to its fact in docs/salesforce-facts.md, and the book
 * that records what a run found: confirmed, refuted (with what the org did instead) or skipped (with why).
 */

export type Verdict = 'confirmed' | 'refuted' | 'skipped';

export type AppTopic = 'external-client-app' | 'connected-app';

export type Assumption = {
  /** `<scenario>.<key>`, e.g. `eca.live`. */
  id: string;
  scenario: string;
  /** The fact's id in docs/salesforce-facts.md, e.g. F-JWT-AUDIENCE. */
  fact: string;
  /** Where the fact lives: docs/salesforce-facts.md#f-jwt-audience. */
  factLink: string;
  statement: string;
  verdict: Verdict;
  /** What the org did: timings, wordings, values; for a skip, why. */
  observed: string;
};

/** What the lane knows about the org before it checks anything. */
export type OrgFacts = { instanceUrl: string; isSandbox: boolean; waitMinutes: number };

export const PRODUCTION_LOGIN = 'https://login.salesforce.com';
export const SANDBOX_LOGIN = 'https://test.salesforce.com';
export const DEFAULT_CALLBACK = 'http://localhost:1717/OauthRedirect';
export const EXTRA_CALLBACK = 'https://org-lane.example.com/callback';
export const SESSION_TIMEOUT = 30;

export const scenarioId = (topic: AppTopic): string => (topic === 'external-client-app' ? 'eca' : 'ca');

/** The app a scenario creates: `<run name>_Eca` or `<run name>_Ca`. */
export const appName = (runName: string, topic: AppTopic): string => `${runName}_${topic === 'external-client-app' ? 'Eca' : 'Ca'}`;

export const factLink = (fact: string): string => `docs/salesforce-facts.md#${fact.toLowerCase()}`;

type Definition = { key: string; fact: string; statement: string };

/** Every assumption one app scenario checks, in the order it checks them. */
export function scenarioAssumptions(topic: AppTopic, org: OrgFacts): Definition[] {
  const eca = topic === 'external-client-app';
  const app = eca ? 'External Client App' : 'connected app';
  const refusedAudience = (aud: string): string => `A JWT whose aud is ${aud} is refused with invalid_grant / audience is invalid`;
  const acceptedAudience = (aud: string): string => `A JWT whose aud is ${aud} is accepted`;
  const kind = org.isSandbox ? 'a sandbox' : 'a production org';
  const definitions: Array<Definition | false> = [
    !eca && {
      key: 'creation-block',
      fact: 'F-CA-CREATION-BLOCK',
      statement: "This org refuses new connected apps (the Spring '26 block); the refusal's wording is recorded.",
    },
    eca && {
      key: 'deploy-together',
      fact: 'F-ECA-TYPES',
      statement: "An External Client App's header and its four satellites deploy together in one zip deploy.",
    },
    {
      key: 'live',
      fact: 'F-PROPAGATION-DELAY',
      statement: `A new ${app}'s consumer key works for sf org login jwt within the wait (${org.waitMinutes} min); the time it took is recorded.`,
    },
    {
      key: 'jwt-certificate',
      fact: 'F-JWT-CERTIFICATE',
      statement: 'JWT bearer is verified against the certificate on the app: the key generated with it logs in.',
    },
    {
      key: 'pre-authorized',
      fact: 'F-JWT-PREAUTHORIZATION',
      statement: "An admin-approved app with the user's profile pre-authorized lets that user log in with JWT bearer.",
    },
    {
      key: 'aud-my-domain',
      fact: 'F-JWT-AUDIENCE',
      statement: `${acceptedAudience(`the org's My Domain URL (${org.instanceUrl})`)}.`,
    },
    {
      key: 'aud-login',
      fact: 'F-JWT-AUDIENCE',
      statement: `${org.isSandbox ? refusedAudience(PRODUCTION_LOGIN) : acceptedAudience(PRODUCTION_LOGIN)} by ${kind}.`,
    },
    {
      key: 'aud-test',
      fact: 'F-JWT-AUDIENCE',
      statement: `${org.isSandbox ? acceptedAudience(SANDBOX_LOGIN) : refusedAudience(SANDBOX_LOGIN)} by ${kind}.`,
    },
    {
      key: 'callback-localhost',
      fact: 'F-CALLBACK-URL',
      statement: `An http://localhost callback URL (${DEFAULT_CALLBACK}, as the CLI guides register) is accepted and read back.`,
    },
    {
      key: 'settings-read-back',
      fact: 'F-SFDX-CLI-APP-SETTINGS',
      statement:
        "The Salesforce DX settings read back as created: scopes api web refresh_token, admin-approved users pre-authorized (the user's profile), 90-day refresh tokens, 15-minute sessions, the certificate's expiry.",
    },
    {
      key: 'callback-list',
      fact: 'F-CALLBACK-URL',
      statement: 'Two callback URLs are accepted and read back in order.',
    },
    {
      key: 'session-timeout',
      fact: 'F-SESSION-TIMEOUT-VALUES',
      statement: `A ${SESSION_TIMEOUT}-minute session timeout is accepted and read back.`,
    },
    eca
      ? {
          key: 'update-keeps-key',
          fact: 'F-SOURCE-CREDENTIALS',
          statement: "Global OAuth settings deployed without consumerKey (an update) keep the app's consumer key.",
        }
      : {
          key: 'update-keeps-key',
          fact: 'F-CA-CONSUMER-KEY-ON-UPDATE',
          statement: 'An update of the connected app sent without its consumer key is accepted and keeps the key.',
        },
    {
      key: 'source-redeploy',
      fact: 'F-SOURCE-CREDENTIALS',
      statement: "The plugin's source files (no consumer key, no secret) deploy again with sf project deploy start.",
    },
    {
      key: 'source-redeploy-keeps-key',
      fact: 'F-SOURCE-CREDENTIALS',
      statement: 'After that redeploy the app still has its consumer key (as a retrieve shows).',
    },
    {
      key: 'certificate-form',
      fact: 'F-JWT-CERTIFICATE',
      statement: 'A retrieve returns the certificate as the plugin deployed it: a full PEM block.',
    },
    eca
      ? {
          key: 'scope-spelling',
          fact: 'F-ECA-SCOPES',
          statement: 'A retrieve returns commaSeparatedOauthScopes in the documented spellings, as deployed (Api, Web, RefreshToken).',
        }
      : {
          key: 'scope-spelling',
          fact: 'F-SCOPE-SYNONYMS',
          statement: 'A retrieve returns the scopes as enum names (Api, Web, RefreshToken).',
        },
    eca
      ? {
          key: 'retrieved-key-redeploy',
          fact: 'F-ECA-CUSTOM-KEY',
          statement: "The retrieved global OAuth settings, carrying the app's own consumerKey, deploy back to the same org.",
        }
      : {
          key: 'retrieved-key-redeploy',
          fact: 'F-CA-CONSUMER-KEY-ON-UPDATE',
          statement:
            'The retrieved connected app file, carrying its consumerKey, is refused when deployed back to the same org (You cannot provide a Consumer Key).',
        },
    {
      key: 'rotated-live',
      fact: 'F-PROPAGATION-DELAY',
      statement: `After rotate-certificate, the new key logs in within the wait (${org.waitMinutes} min); the time it took is recorded.`,
    },
    {
      key: 'old-key-refused',
      fact: 'F-JWT-CERTIFICATE',
      statement: `Once the new key works, the previous key is refused by the token endpoint within ${Math.min(org.waitMinutes, 5)} min (its answer is recorded: F-TOKEN-ERRORS).`,
    },
    eca && {
      key: 'deleted',
      fact: 'F-ECA-DELETE',
      statement: 'Deleting the satellites, then the header, through the Metadata API removes the app.',
    },
  ];
  return definitions.filter((definition): definition is Definition => definition !== false);
}

const NOT_REACHED = 'not reached';

/** The assumptions of a run, in the order they were declared, with what the run found. */
export class AssumptionBook {
  private readonly entries = new Map<string, Assumption>();

  public declare(scenario: string, definitions: Definition[]): void {
    for (const { key, fact, statement } of definitions) {
      const id = `${scenario}.${key}`;
      this.entries.set(id, { id, scenario, fact, factLink: factLink(fact), statement, verdict: 'skipped', observed: NOT_REACHED });
    }
  }

  public confirm(id: string, observed: string): void {
    this.set(id, 'confirmed', observed);
  }

  public refute(id: string, observed: string): void {
    this.set(id, 'refuted', observed);
  }

  public skip(id: string, reason: string): void {
    this.set(id, 'skipped', reason);
  }

  /** Confirmed when `holds`, refuted otherwise; `observed` says what the org did either way. */
  public check(id: string, holds: boolean, observed: string): void {
    this.set(id, holds ? 'confirmed' : 'refuted', observed);
  }

  /** Every assumption of the scenario not checked yet becomes skipped, with the reason. */
  public skipUnchecked(scenario: string, reason: string): void {
    for (const entry of this.entries.values()) {
      if (entry.scenario === scenario && entry.observed === NOT_REACHED) entry.observed = reason;
    }
  }

  public all(): Assumption[] {
    return [...this.entries.values()].map((entry) => ({ ...entry }));
  }

  private get(id: string): Assumption {
    const entry = this.entries.get(id);
    if (!entry) throw new Error(`unknown assumption ${id}`);
    return entry;
  }

  private set(id: string, verdict: Verdict, observed: string): void {
    Object.assign(this.get(id), { verdict, observed });
  }
}
