import { runDpopTour, type DpopTourOptions } from './dpop-tour.js';
import { algOf, kidOf, send, type Reply } from './http-client.js';
import { describeReply as describe, expectReply, StepFailed, type Step } from './tour-step.js';

/** Where the services listen, and how the tour obtains an already-expired token. */
export type TourOptions = Readonly<{
  authUrl: string;
  ordersUrl: string;
  profileUrl: string;
  /**
   * Signs a token for `sub` with the issuer's active key whose `exp` has already passed (the demo uses
   * the issuer's own signer with a clock set in the past): the honest way to show `token_expired`
   * without waiting for a real token to age.
   */
  mintExpiredToken: (sub: string, scope: string) => Promise<string>;
  /** Receives one human-readable line per step. @default console.log */
  log?: (line: string) => void;
  /** The auth service's refresh grace window: the replay step waits it out (inside it a replay gets the same successor). */
  refreshGraceMs: number;
  /** How long a revocation may take to reach a resource service (Redis pub/sub). @default 3000 */
  propagationMs?: number;
  /** The auth service's `SIGNING_ALG`: keys signing after the tour's rotation have it. @default 'RS256' */
  signingAlg?: string;
  /** The DPoP part of the tour: public URLs the proofs name, and the second orders replica. */
  dpop: DpopTourOptions;
}>;

/** Counts of the tour's steps. */
export type TourResult = Readonly<{ passed: number; failed: number }>;

type TokenSet = { access_token: string; refresh_token: string };

function tokensOf(reply: Reply): TokenSet {
  const body = reply.body as Partial<TokenSet> | undefined;
  if (reply.status !== 200 || typeof body?.access_token !== 'string' || typeof body.refresh_token !== 'string') {
    throw new StepFailed(`expected 200 with tokens, got ${describe(reply)}`);
  }
  return { access_token: body.access_token, refresh_token: body.refresh_token };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Walks the multi-service story over HTTP only, printing each step with its status, and returns how
 * many steps behaved as expected. Every call is what a real client would send.
 */
export async function runTour(options: TourOptions): Promise<TourResult> {
  const log = options.log ?? console.log;
  const propagationMs = options.propagationMs ?? 3000;
  const { authUrl, ordersUrl, profileUrl } = options;
  let passed = 0;
  let failed = 0;
  let n = 0;

  /** Runs one step: `expected` is printed, `run` returns what happened or throws StepFailed. */
  const step: Step = async (title, expected, run) => {
    n += 1;
    const label = `${String(n).padStart(2)}. ${title}`.padEnd(64);
    try {
      const { got, value } = await run();
      if (got !== expected) throw new StepFailed(`expected ${expected}, got ${got}`);
      passed += 1;
      log(`  ✔ ${label} ${got}`);
      return value;
    } catch (error) {
      failed += 1;
      log(`  ✘ ${label} ${error instanceof StepFailed ? error.message : `error: ${(error as Error).message}`}`);
      return undefined;
    }
  };
  const login = (username: string, password: string) =>
    send('POST', `${authUrl}/token`, { form: { grant_type: 'password', username, password } });
  /** Polls until the service answers `status` (a revocation travels through Redis pub/sub). */
  const eventually = async (method: string, url: string, token: string, status: number): Promise<Reply> => {
    const deadline = Date.now() + propagationMs;
    for (;;) {
      const reply = await send(method, url, { token });
      if (reply.status === status || Date.now() > deadline) return reply;
      await sleep(50);
    }
  };

  const alice = await step('alice logs in (POST /token, password grant)', '200', async () => {
    const reply = await login('alice', 'alice-pass');
    return { got: describe(reply), value: tokensOf(reply) };
  });
  if (!alice) return { passed, failed: failed + 1 };

  await step('alice GET /orders (orders:read)', '200', async () =>
    expectReply(await send('GET', `${ordersUrl}/orders`, { token: alice.access_token })),
  );
  await step('alice GET /me (profile:read)', '200', async () =>
    expectReply(await send('GET', `${profileUrl}/me`, { token: alice.access_token })),
  );
  await step('alice POST /orders without orders:write', '403 insufficient_scope', async () =>
    expectReply(
      await send('POST', `${ordersUrl}/orders`, { token: alice.access_token, json: { item: 'coffee', quantity: 1 } }),
    ),
  );
  const bob = await step('bob logs in', '200', async () => {
    const reply = await login('bob', 'bob-pass');
    return { got: describe(reply), value: tokensOf(reply) };
  });
  if (bob) {
    await step('bob GET /orders (profile:read only)', '403 insufficient_scope', async () =>
      expectReply(await send('GET', `${ordersUrl}/orders`, { token: bob.access_token })),
    );
  }
  const admin = await step('admin logs in', '200', async () => {
    const reply = await login('admin', 'admin-pass');
    return { got: describe(reply), value: tokensOf(reply) };
  });
  if (admin && bob) {
    await step('admin revokes every token of bob (POST /admin/revoke {sub})', '200', async () =>
      expectReply(await send('POST', `${authUrl}/admin/revoke`, { token: admin.access_token, json: { sub: 'bob' } })),
    );
    await step('bob GET /me with his revoked token', '401 token_revoked', async () =>
      expectReply(await eventually('GET', `${profileUrl}/me`, bob.access_token, 401)),
    );
  }
  await step('an expired access token of alice GET /orders', '401 token_expired', async () => {
    const expired = await options.mintExpiredToken('alice', 'orders:read profile:read');
    return expectReply(await send('GET', `${ordersUrl}/orders`, { token: expired }));
  });
  const refreshed = await step('alice refreshes (refresh_token grant, rotation)', '200', async () => {
    const reply = await send('POST', `${authUrl}/token`, {
      form: { grant_type: 'refresh_token', refresh_token: alice.refresh_token },
    });
    const tokens = tokensOf(reply);
    if (tokens.refresh_token === alice.refresh_token) throw new StepFailed('the refresh token was not rotated');
    return { got: describe(reply), value: tokens };
  });
  if (refreshed) {
    await step('the new access token works: GET /orders', '200', async () =>
      expectReply(await send('GET', `${ordersUrl}/orders`, { token: refreshed.access_token })),
    );
    log(
      `     (waiting ${options.refreshGraceMs} ms: inside the grace window a concurrent refresh would get the same successor)`,
    );
    await sleep(options.refreshGraceMs + 100);
    await step('an attacker replays the old (rotated) refresh token', '401 refresh_token_reused', async () =>
      expectReply(
        await send('POST', `${authUrl}/token`, {
          form: { grant_type: 'refresh_token', refresh_token: alice.refresh_token },
        }),
      ),
    );
    await step('reuse revoked alice everywhere: orders rejects her token', '401 token_revoked', async () =>
      expectReply(await eventually('GET', `${ordersUrl}/orders`, refreshed.access_token, 401)),
    );
    await step('… and profile rejects it too', '401 token_revoked', async () =>
      expectReply(await eventually('GET', `${profileUrl}/me`, refreshed.access_token, 401)),
    );
    await step('… and the refresh token issued by the rotation is dead', '401 refresh_token_invalid', async () =>
      expectReply(
        await send('POST', `${authUrl}/token`, {
          form: { grant_type: 'refresh_token', refresh_token: refreshed.refresh_token },
        }),
      ),
    );
  }

  // A subject-wide revocation covers tokens issued up to the next whole second (iat has second precision).
  await sleep(1100);
  const before = await step('alice logs in again (a session from before the rotation)', '200', async () => {
    const reply = await login('alice', 'alice-pass');
    return { got: describe(reply), value: tokensOf(reply) };
  });
  if (admin && before) {
    await step('admin rotates the signing keys (POST /admin/rotate-keys)', '200', async () => {
      let reply = await send('POST', `${authUrl}/admin/rotate-keys`, { token: admin.access_token });
      const retryAfterS = Number(reply.headers.get('retry-after'));
      if (reply.status === 409 && retryAfterS > 0 && retryAfterS <= 60) {
        log(`     (the next key is not published long enough yet for cached JWKS copies: waiting ${retryAfterS} s)`);
        await sleep(retryAfterS * 1000);
        reply = await send('POST', `${authUrl}/admin/rotate-keys`, { token: admin.access_token });
      }
      return expectReply(reply);
    });
    await step('the token signed before the rotation still works', '200', async () =>
      expectReply(await send('GET', `${ordersUrl}/orders`, { token: before.access_token })),
    );
    const after = await step('a new login is signed with the new kid', 'new kid', async () => {
      const tokens = tokensOf(await login('alice', 'alice-pass'));
      const oldKid = kidOf(before.access_token);
      const newKid = kidOf(tokens.access_token);
      return { got: newKid && oldKid && newKid !== oldKid ? 'new kid' : `same kid ${newKid}`, value: tokens };
    });
    if (after) {
      const signingAlg = options.signingAlg ?? 'RS256';
      await step(`… signed with SIGNING_ALG (${signingAlg})`, signingAlg, async () => ({
        got: algOf(after.access_token) ?? 'no alg',
        value: undefined,
      }));
      await step('… and the services accept it (GET /me)', '200', async () =>
        expectReply(await send('GET', `${profileUrl}/me`, { token: after.access_token })),
      );
      await step('alice logs out (POST /logout)', '204', async () =>
        expectReply(
          await send('POST', `${authUrl}/logout`, {
            token: after.access_token,
            form: { refresh_token: after.refresh_token },
          }),
        ),
      );
      await step('her logged-out access token is rejected', '401 token_revoked', async () =>
        expectReply(await eventually('GET', `${ordersUrl}/orders`, after.access_token, 401)),
      );
      await step('her logged-out refresh token is rejected', '401 refresh_token_invalid', async () =>
        expectReply(
          await send('POST', `${authUrl}/token`, {
            form: { grant_type: 'refresh_token', refresh_token: after.refresh_token },
          }),
        ),
      );
    }
  }
  await runDpopTour(step, options.dpop, log);
  return { passed, failed };
}
