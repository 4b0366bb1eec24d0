import { expect } from 'chai';
import { classifyLoginError, LoginChainError, withPropagationRetry } from '../../src/login/loginChain.js';

// core joins the error of every (login URL, audience) pair it tried, one per line
const joined = (...lines: string[]): string => `Error authenticating with JWT.\nErrors encountered:\n${lines.join('\n')}`;
const offline = 'request to https://login.salesforce.com/services/oauth2/token failed, reason: getaddrinfo ENOTFOUND';

describe('classifyLoginError', () => {
  const rows: Array<[string, boolean, string, string]> = [
    ['client identifier invalid', true, 'transient', 'notLiveYet'],
    ['External client app is not installed in this org', true, 'transient', 'ecaNotInstalledYet'],
    ["user hasn't approved this consumer", true, 'transient', 'userNotApprovedYet'],
    ["user hasn't approved this consumer", false, 'permanent', 'userNotPreAuthorized'],
    ['user is not admin approved to access this app', true, 'permanent', 'userNotPreAuthorized'],
    ['invalid assertion', true, 'permanent', 'badSignature'],
    ['audience is invalid', true, 'permanent', 'wrongAudience'],
    [
      'refresh_token scope is required and the connected app should be installed and preauthorized',
      true,
      'permanent',
      'missingRefreshTokenScope',
    ],
    ['invalid client credentials', true, 'permanent', 'invalidClientCredentials'],
    ['something else entirely', true, 'permanent', 'unknown'],
  ];
  for (const [description, preAuthorized, kind, cause] of rows) {
    it(`${description} (pre-authorized: ${String(preAuthorized)}) -> ${kind} ${cause}`, () => {
      const result = classifyLoginError(joined(description, offline, offline), preAuthorized);
      expect(result.kind).to.equal(kind);
      expect(result.cause).to.equal(cause);
    });
  }

  it('a bad signature wins over a not-yet-live answer from another audience', () => {
    const result = classifyLoginError(joined('client identifier invalid', 'invalid assertion'), true);
    expect(result.cause).to.equal('badSignature');
  });

  it('"audience is invalid" from the alternative audiences does not hide a transient cause', () => {
    const result = classifyLoginError(
      joined('client identifier invalid', 'audience is invalid  [audience=https://login.salesforce.com]'),
      true
    );
    expect(result.kind).to.equal('transient');
  });
});

describe('withPropagationRetry', () => {
  const sleeps: number[] = [];
  const sleep = async (ms: number): Promise<void> => {
    sleeps.push(ms);
  };
  beforeEach(() => {
    sleeps.length = 0;
  });

  it('retries transient failures with growing delays, then returns the value', async () => {
    let calls = 0;
    const result = await withPropagationRetry(
      async () => {
        calls++;
        if (calls < 4) throw new Error('client identifier invalid');
        return 'ok';
      },
      { waitMs: 60_000, preAuthorized: true, sleep, firstDelayMs: 100, maxDelayMs: 200 }
    );
    expect(result).to.include({ value: 'ok', attempts: 4 });
    expect(sleeps).to.deep.equal([100, 160, 200]);
  });

  it('stops at once on a permanent failure', async () => {
    let calls = 0;
    try {
      await withPropagationRetry(
        async () => {
          calls++;
          throw new Error('invalid assertion');
        },
        { waitMs: 60_000, preAuthorized: true, sleep, firstDelayMs: 100 }
      );
      expect.fail('should have thrown');
    } catch (error) {
      expect(error).to.be.instanceOf(LoginChainError);
      expect((error as LoginChainError).classified.cause).to.equal('badSignature');
    }
    expect(calls).to.equal(1);
    expect(sleeps).to.deep.equal([]);
  });

  it('gives up on a transient failure when the next wait would pass the limit', async () => {
    try {
      await withPropagationRetry(
        async () => {
          throw new Error('client identifier invalid');
        },
        { waitMs: 50, preAuthorized: true, sleep, firstDelayMs: 100 }
      );
      expect.fail('should have thrown');
    } catch (error) {
      expect((error as LoginChainError).classified.kind).to.equal('transient');
      expect((error as LoginChainError).attempts).to.equal(1);
    }
  });
});
