import { createServer, type AddressInfo } from 'node:net';
import { expect } from 'chai';
import { ATTEMPT_INTERVAL_MS, classifyLoginError, LoginChainError, withPropagationRetry, type WaitInfo } from '../../src/login/loginChain.js';
import { errorText } from '../../src/login/tokenEndpoint.js';

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

  it('retries transient failures one interval apart, then returns the value', async () => {
    let calls = 0;
    const result = await withPropagationRetry(
      async () => {
        calls++;
        if (calls < 4) throw new Error('client identifier invalid');
        return 'ok';
      },
      { waitMs: 60_000, preAuthorized: true, sleep, intervalMs: 100 }
    );
    expect(result).to.include({ value: 'ok', attempts: 4 });
    // Attempts take no time here: each sleep is the whole interval, never growing.
    expect(sleeps).to.deep.equal([100, 100, 100]);
  });

  it('stops at once on a permanent failure', async () => {
    let calls = 0;
    try {
      await withPropagationRetry(
        async () => {
          calls++;
          throw new Error('invalid assertion');
        },
        { waitMs: 60_000, preAuthorized: true, sleep, intervalMs: 100 }
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
        { waitMs: 50, preAuthorized: true, sleep, intervalMs: 100 }
      );
      expect.fail('should have thrown');
    } catch (error) {
      expect((error as LoginChainError).classified.kind).to.equal('transient');
      expect((error as LoginChainError).attempts).to.equal(1);
    }
  });
});

describe('withPropagationRetry: "the org does not know the app" only while the app is young', () => {
  // A clock the chain reads and its sleeps move: no real time passes.
  let now = 0;
  const clock = (): number => now;
  const sleep = async (ms: number): Promise<void> => {
    now += ms;
  };
  const minutes = (n: number): number => n * 60_000;
  beforeEach(() => {
    now = minutes(100);
  });
  const failing = (message: string) => async (): Promise<never> => {
    throw new Error(message);
  };
  const rejection = async (promise: Promise<unknown>): Promise<LoginChainError> =>
    promise.then(
      () => expect.fail('expected an error'),
      (error: LoginChainError) => error
    );
  const retry = { preAuthorized: true, sleep, clock };

  it('"not installed" is waited out for the propagation time after the deploy, then ends with its causes, before --wait', async () => {
    const deployedAt = now;
    const error = await rejection(
      withPropagationRetry(failing('External client app is not installed in this org'), {
        ...retry,
        waitMs: minutes(30),
        appChangedAt: deployedAt,
        propagationMs: minutes(15),
        loginUrl: 'https://acme.my.salesforce.com',
      })
    );
    expect(error.classified).to.include({ kind: 'permanent', cause: 'ecaNotInstalled' });
    expect(error.classified.message).to.include('not installed');
    expect(error.loginUrl).to.equal('https://acme.my.salesforce.com');
    expect(error.attempts).to.be.greaterThan(10);
    // It stopped within the propagation time, short of --wait's 30 minutes.
    expect(now - deployedAt).to.be.at.most(minutes(15));
    expect(now - deployedAt).to.be.greaterThan(minutes(14));
  });

  it('the window counts from the deploy, not from the first login attempt', async () => {
    const error = await rejection(
      withPropagationRetry(failing('External client app is not installed in this org'), {
        ...retry,
        waitMs: minutes(15),
        appChangedAt: now - minutes(14),
        propagationMs: minutes(15),
      })
    );
    expect(error.classified.cause).to.equal('ecaNotInstalled');
    expect(now - (minutes(100) - minutes(14))).to.be.at.most(minutes(15));
  });

  it('an app deployed long ago that is "not installed" stops at the first answer, without waiting', async () => {
    let slept = false;
    const error = await rejection(
      withPropagationRetry(failing('External client app is not installed in this org'), {
        ...retry,
        sleep: async () => {
          slept = true;
        },
        waitMs: minutes(15),
        appChangedAt: now - minutes(60),
        propagationMs: minutes(15),
      })
    );
    expect(error.classified.cause).to.equal('ecaNotInstalled');
    expect(error.attempts).to.equal(1);
    expect(slept).to.equal(false);
  });

  it('the window is capped by --wait: a shorter wait ends as a timeout (transient), not as a wrong URL', async () => {
    const started = now;
    const error = await rejection(
      withPropagationRetry(failing('External client app is not installed in this org'), {
        ...retry,
        waitMs: minutes(5),
        appChangedAt: now,
        propagationMs: minutes(15),
      })
    );
    expect(error.classified).to.include({ kind: 'transient', cause: 'ecaNotInstalledYet' });
    expect(now - started).to.be.at.most(minutes(5));
  });

  it('"client identifier invalid" is bounded the same way (clientUnknown)', async () => {
    const error = await rejection(
      withPropagationRetry(failing('client identifier invalid'), {
        ...retry,
        waitMs: minutes(20),
        appChangedAt: now,
        propagationMs: minutes(10),
      })
    );
    expect(error.classified).to.include({ kind: 'permanent', cause: 'clientUnknown' });
  });

  it('an app that goes live within its propagation time logs in', async () => {
    const liveAt = now + minutes(12);
    const result = await withPropagationRetry(
      async () => {
        if (now < liveAt) throw new Error('External client app is not installed in this org');
        return 'token';
      },
      { ...retry, waitMs: minutes(15), appChangedAt: now, propagationMs: minutes(15) }
    );
    expect(result.value).to.equal('token');
    expect(result.waitedMs).to.be.at.least(minutes(12));
  });

  it('other transient causes (a pre-authorization replicating) are not bounded by the window, only by --wait', async () => {
    const started = now;
    const error = await rejection(
      withPropagationRetry(failing("user hasn't approved this consumer"), {
        ...retry,
        waitMs: minutes(20),
        appChangedAt: now,
        propagationMs: minutes(1),
      })
    );
    expect(error.classified).to.include({ kind: 'transient', cause: 'userNotApprovedYet' });
    expect(now - started).to.be.greaterThan(minutes(19));
  });
});

describe('withPropagationRetry: the cadence while a new app goes live (issue 11)', () => {
  // A fake clock: sleeps and the token request's round trip move it, nothing waits for real.
  let now = 0;
  const clock = (): number => now;
  const sleep = async (ms: number): Promise<void> => {
    now += ms;
  };

  /**
   * Runs the chain against an org whose app goes live at liveAt; each attempt takes roundTripMs, half on the way to
   * the org (which answers by whether the app is live when the request arrives) and half back.
   */
  async function run(liveAt: number, roundTripMs: number): Promise<{ arrivals: number[]; noticedAt: number; waits: WaitInfo[] }> {
    now = 0;
    const arrivals: number[] = [];
    const waits: WaitInfo[] = [];
    const result = await withPropagationRetry(
      async () => {
        now += roundTripMs / 2;
        arrivals.push(now);
        const live = now >= liveAt;
        now += roundTripMs / 2;
        if (!live) throw new Error('client identifier invalid (invalid_client_id)');
        return now;
      },
      { waitMs: 600_000, preAuthorized: true, sleep, clock, appChangedAt: 0, propagationMs: 600_000, onWait: (info) => void waits.push(info) }
    );
    return { arrivals, noticedAt: result.value, waits };
  }

  // Token requests take well under a second against a real org; 1.9 s is the slowest round trip the 5 s bound covers.
  for (const roundTripMs of [0, 50, 200, 1000, 1900]) {
    it(`the org sees one token attempt per 2 s at most, and notices a live app within 5 s (round trip ${roundTripMs} ms)`, async () => {
      // Going live at every 37 ms step over 30 s covers every phase of the interval.
      for (let liveAt = 0; liveAt <= 30_000; liveAt += 37) {
        // eslint-disable-next-line no-await-in-loop
        const { arrivals, noticedAt } = await run(liveAt, roundTripMs);
        for (let i = 1; i < arrivals.length; i++) expect(arrivals[i] - arrivals[i - 1], `live at ${liveAt}`).to.be.at.least(2000);
        expect(noticedAt - liveAt, `live at ${liveAt}`).to.be.at.most(5000);
      }
    });
  }

  it('tells each wait: attempt n, elapsed and remaining time, the org\'s answer', async () => {
    const { waits } = await run(5000, 100);
    expect(waits.map((w) => w.attempt)).to.deep.equal([1, 2, 3]);
    expect(waits[0]).to.include({ cause: 'notLiveYet', elapsedMs: 100, retryInMs: 2000, remainingMs: 599_900 });
    expect(waits[2]).to.include({ elapsedMs: 4300, remainingMs: 595_700 });
    expect(waits[0].message).to.include('invalid_client_id');
  });

  describe('after a certificate rotation (certificateChanged)', () => {
    const badSignature = (): Promise<never> => Promise.reject(new Error('invalid assertion: invalid signature (invalid_grant)'));

    it('a refused signature is waited out at the same cadence while the org may still use the old certificate', async () => {
      now = 0;
      let usesNew = false;
      const arrivals: number[] = [];
      const waits: WaitInfo[] = [];
      const result = await withPropagationRetry(
        async () => {
          arrivals.push(now);
          if (now >= 7000) usesNew = true;
          return usesNew ? 'token' : badSignature();
        },
        { waitMs: 600_000, preAuthorized: true, sleep, clock, appChangedAt: 0, propagationMs: 120_000, certificateChanged: true, onWait: (info) => void waits.push(info) }
      );
      expect(result.value).to.equal('token');
      expect(arrivals).to.deep.equal([0, 2000, 4000, 6000, 8000]);
      expect(waits[0]).to.include({ cause: 'certificateNotUsedYet', remainingMs: 120_000 });
    });

    it('past the propagation time, a refused signature is the wrong key: the chain stops', async () => {
      now = 0;
      const error = await withPropagationRetry(badSignature, {
        waitMs: 600_000,
        preAuthorized: true,
        sleep,
        clock,
        appChangedAt: 0,
        propagationMs: 10_000,
        certificateChanged: true,
      }).then(
        () => expect.fail('the login cannot succeed'),
        (e: LoginChainError) => e
      );
      expect(error.classified).to.include({ kind: 'permanent', cause: 'badSignature' });
      expect(now).to.be.at.most(10_000);
    });

    it('without a certificate change, a refused signature stops the chain at once', async () => {
      now = 0;
      const error = await withPropagationRetry(badSignature, { waitMs: 600_000, preAuthorized: true, sleep, clock }).then(
        () => expect.fail('the login cannot succeed'),
        (e: LoginChainError) => e
      );
      expect(error.classified).to.include({ kind: 'permanent', cause: 'badSignature' });
      expect(error.attempts).to.equal(1);
    });
  });

  it('the default interval is 2 s', () => {
    expect(ATTEMPT_INTERVAL_MS).to.equal(2000);
  });
});

describe('network failures name the URL and the cause', () => {
  it('fetch failed carries its cause (the refused connection) and is classified unreachable at once', async () => {
    // A port nothing listens on: a listener opened and closed again.
    const server = createServer();
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const port = (server.address() as AddressInfo).port;
    await new Promise((done) => server.close(done));
    const loginUrl = `http://127.0.0.1:${port}`;
    const { postToken } = await import('../../src/login/tokenEndpoint.js');
    let calls = 0;
    const error = await withPropagationRetry(
      async () => {
        calls++;
        // eslint-disable-next-line camelcase -- OAuth wire format
        await postToken(loginUrl, { grant_type: 'password' });
      },
      { waitMs: 60_000, preAuthorized: true, intervalMs: 10, loginUrl }
    ).then(
      () => expect.fail('expected an error'),
      (e: LoginChainError) => e
    );
    expect(error.classified.cause).to.equal('unreachable');
    expect(error.classified.message).to.include('fetch failed');
    expect(error.classified.message).to.include('ECONNREFUSED');
    expect(error.loginUrl).to.equal(loginUrl);
    expect(calls).to.equal(1);
  });

  it('errorText adds the causes fetch hides, and leaves other errors alone', () => {
    const dns = Object.assign(new Error('getaddrinfo ENOTFOUND login.salesforce.com'), { code: 'ENOTFOUND' });
    expect(errorText(new TypeError('fetch failed', { cause: dns }))).to.equal('fetch failed (getaddrinfo ENOTFOUND login.salesforce.com)');
    const tls = Object.assign(new Error('unable to verify the first certificate'), { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
    expect(errorText(new TypeError('fetch failed', { cause: tls }))).to.equal(
      'fetch failed (UNABLE_TO_VERIFY_LEAF_SIGNATURE unable to verify the first certificate)'
    );
    expect(errorText(new Error('client identifier invalid'))).to.equal('client identifier invalid');
    expect(classifyLoginError('fetch failed (getaddrinfo ENOTFOUND login.salesforce.com)', true).cause).to.equal('unreachable');
  });

  it('an answer from the org next to network failures for other hosts is classified by the answer', () => {
    const result = classifyLoginError(joined('External client app is not installed in this org', 'fetch failed', 'fetch failed'), true);
    expect(result.cause).to.equal('ecaNotInstalledYet');
    expect(classifyLoginError(joined('fetch failed', 'fetch failed'), true).cause).to.equal('unreachable');
  });
});
