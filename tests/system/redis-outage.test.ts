import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedis, type TestRedis } from '@jwks-kit/test-kit';
import { parseToken } from './support/compact-jws.js';
import { codeOf, createHttpClient, type HttpClient } from './support/http-client.js';
import { runLoad } from './support/run-load.js';
import { login, startSystem, type RunningSystem, type TokenSet } from './support/start-system.js';

/** The services' denylist mirror fails closed after 5 s without Redis (the library default they use). */
const STALENESS_BOUND_MS = 5_000;
/** Generous functional bound: fail closed within the staleness bound plus reconnect and scheduling slack. */
const FAIL_CLOSED_WITHIN_MS = STALENESS_BOUND_MS + 15_000;
const RECOVER_WITHIN_MS = 30_000;

describe('Redis killed and restarted under load (auth, orders, profile as processes, Redis mirror and refresh store)', () => {
  let redis: TestRedis;
  let redisDir: string;
  let system: RunningSystem;
  let client: HttpClient;
  let admin: TokenSet;
  let alice: TokenSet;
  let bob: TokenSet;

  const get = async (service: 'orders' | 'profile', token: string) => {
    const reply = await client.get(service === 'orders' ? `${system.ordersUrl}/orders` : `${system.profileUrl}/me`, {
      authorization: `Bearer ${token}`,
    });
    return reply.status === 200 ? '200' : `${reply.status} ${codeOf(reply)}`;
  };
  const both = async (token: string) => [await get('orders', token), await get('profile', token)];
  /** Polls until both services answer `expected` for `token`; resolves the ms it took, or rejects past `withinMs`. */
  const until = async (token: string, expected: string, withinMs: number) => {
    const start = Date.now();
    for (;;) {
      const answers = await both(token);
      if (answers.every((a) => a === expected)) return Date.now() - start;
      if (Date.now() - start > withinMs)
        throw new Error(
          `expected ${expected} from both services within ${withinMs} ms, last answers ${answers.join(', ')}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  /** `/readyz` of a service: its status and the JSON report (checks by name). */
  const readiness = async (url: string) => {
    const reply = await fetch(`${url}/readyz`);
    return { ...((await reply.json()) as { checks: Record<string, unknown> }), status: reply.status };
  };
  /** The denylist state changes a service logged, in order (from its pino lines in the system's output). */
  const denylistLog = (service: string) =>
    system.output
      .filter((line) => line.startsWith(`  [${service}] {`))
      .map((line) => (JSON.parse(line.slice(line.indexOf('{'))) as { msg?: string }).msg ?? '')
      .flatMap((msg) =>
        /^denylist mirror (disconnected|failing)/.test(msg)
          ? ['unsure']
          : msg === 'denylist mirror current again'
            ? ['current']
            : msg.startsWith('denylist cannot answer')
              ? ['refusing']
              : msg === 'denylist answers again'
                ? ['answering']
                : [],
      );
  const revoke = (jti: string) =>
    client.post(`${system.authUrl}/admin/revoke`, JSON.stringify({ jti }), {
      authorization: `Bearer ${admin.accessToken}`,
      'content-type': 'application/json',
    });
  const rotate = (refreshToken: string) =>
    client.post(
      `${system.authUrl}/token`,
      new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }).toString(),
      {
        'content-type': 'application/x-www-form-urlencoded',
      },
    );

  beforeAll(async () => {
    // Persistence on, as in production: a restarted Redis comes back with its data.
    redisDir = await mkdtemp(join(tmpdir(), 'jwks-kit-redis-'));
    redis = await startRedis({
      forceSpawn: true,
      extraArgs: ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', redisDir],
    });
    system = await startSystem({ redisUrl: redis.url });
    client = createHttpClient(16);
    [admin, alice, bob] = [
      await login(system.authUrl, 'admin'),
      await login(system.authUrl, 'alice'),
      await login(system.authUrl, 'bob'),
    ];
  }, 90_000);

  afterAll(async () => {
    client?.close();
    await system?.stop();
    await system?.removeKeys();
    await redis?.stop();
    if (redisDir) await rm(redisDir, { recursive: true, force: true });
  });

  it('a revocation made before the outage is in force on both services', async () => {
    expect(await both(bob.accessToken)).toEqual(['403 insufficient_scope', '200']);
    const res = await revoke(String(parseToken(bob.accessToken).payload.jti));
    expect(res.status).toBe(200);
    await until(bob.accessToken, '401 token_revoked', 10_000);
  });

  it('fails closed with 503 within the staleness bound, refuses revocations and refreshes during the outage, and recovers without restarts', async () => {
    let phase: 'before' | 'outage' | 'after' = 'before';
    let loading = true;
    const byPhase = {
      before: new Map<string, number>(),
      outage: new Map<string, number>(),
      after: new Map<string, number>(),
    };
    const tokens = [alice.accessToken, bob.accessToken];
    const load = runLoad({
      concurrency: 4,
      running: () => loading,
      send: async (worker, index) => {
        const token = tokens[index % 2] as string;
        const who = index % 2 === 0 ? 'alice' : 'bob';
        const answer = await get(worker % 2 === 0 ? 'orders' : 'profile', token);
        const outcome = `${who} ${worker % 2 === 0 ? 'orders' : 'profile'} ${answer}`;
        const tally = byPhase[phase];
        tally.set(outcome, (tally.get(outcome) ?? 0) + 1);
        return outcome;
      },
    });
    const t = { stoppedAt: 0, restartedAt: 0, failClosedMs: 0, sinceStopMs: 0, recoverMs: 0 };
    try {
      await new Promise((resolve) => setTimeout(resolve, 500));
      phase = 'outage';
      await redis.stop();
      t.stoppedAt = Date.now();
      // A revocation attempted during the outage is refused to the caller (5xx with a JSON error), never acknowledged and dropped.
      const duringRevoke = await revoke(String(parseToken(alice.accessToken).payload.jti));
      expect(duringRevoke.status).toBeGreaterThanOrEqual(500);
      expect(codeOf(duringRevoke)).toEqual(expect.any(String));
      t.failClosedMs = await until(alice.accessToken, '503 denylist_unavailable', FAIL_CLOSED_WITHIN_MS);
      t.sinceStopMs = Date.now() - t.stoppedAt;
      // Refresh rotation needs the family store: refused with 503, several times over, forking nothing.
      const refreshes = await Promise.all(Array.from({ length: 5 }, () => rotate(alice.refreshToken)));
      expect(refreshes.map((r) => r.status)).toEqual([503, 503, 503, 503, 503]);
      const lateRevoke = await revoke(String(parseToken(alice.accessToken).payload.jti));
      expect(lateRevoke.status).toBe(503);
      // readiness tells the truth: the mirror past its staleness bound (and the refresh store) make each service not
      // ready, and so does the auth service's key ring, unread for longer than its safety margin (2 s here): it signs nothing
      for (const url of [system.ordersUrl, system.profileUrl])
        expect(await readiness(url)).toMatchObject({ status: 503, checks: { denylist: { state: 'failing' } } });
      expect(await readiness(system.authUrl)).toMatchObject({
        status: 503,
        checks: { refreshStore: { state: 'failing' }, keyRing: { state: 'failing', fresh: false } },
      });
    } finally {
      if (t.restartedAt === 0) {
        await redis.restart();
        t.restartedAt = Date.now();
      }
      try {
        t.recoverMs = await until(alice.accessToken, '200', RECOVER_WITHIN_MS);
        phase = 'after';
        await new Promise((resolve) => setTimeout(resolve, 500));
      } finally {
        loading = false;
      }
    }
    const result = await load;

    console.log(
      `Redis outage: ${result.sent} requests under load; fail closed ${t.sinceStopMs} ms after the kill (staleness bound ${STALENESS_BOUND_MS} ms, polled ${t.failClosedMs} ms); ` +
        `recovered ${Date.now() - t.restartedAt} ms after the restart (polled ${t.recoverMs} ms); outcomes ${JSON.stringify(Object.fromEntries(Object.entries(byPhase).map(([k, v]) => [k, Object.fromEntries(v)])))}`,
    );
    const all = [...byPhase.before, ...byPhase.outage, ...byPhase.after].map(([outcome]) => outcome);
    // The revoked token is never accepted, before, during or after the outage; nothing ever answers 500 or drops the connection.
    expect(all.filter((o) => o.startsWith('bob') && o.endsWith(' 200') && o.includes('profile'))).toEqual([]);
    expect(
      all.filter((o) => !/ (200|401 token_revoked|403 insufficient_scope|503 denylist_unavailable)$/.test(o)),
    ).toEqual([]);
    expect([...byPhase.before.keys()].filter((o) => o.includes('503'))).toEqual([]);
    expect([...byPhase.outage.keys()].some((o) => o.includes('503 denylist_unavailable'))).toBe(true);
    expect([...byPhase.after.keys()].filter((o) => o.includes('503'))).toEqual([]);
    // ready again without a restart, polled as an orchestrator polls (a service not ready gets no traffic); the auth
    // service only once its key ring has read the store again, so that it can sign (logins, refreshes)
    for (const url of [system.ordersUrl, system.profileUrl, system.authUrl]) {
      const started = Date.now();
      for (let report = await readiness(url); report.status !== 200; report = await readiness(url)) {
        if (Date.now() - started > 10_000) throw new Error(`${url}/readyz still ${JSON.stringify(report)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    // Each resource service logged the outage once per change (pino JSON lines), not once per refused request.
    for (const service of ['orders', 'profile']) {
      const messages = denylistLog(service);
      expect(messages.filter((m) => m === 'unsure').length).toBeGreaterThanOrEqual(1);
      expect(messages.filter((m) => m === 'refusing').length).toBeGreaterThanOrEqual(1);
      for (const [bad, good] of [
        ['unsure', 'current'],
        ['refusing', 'answering'],
      ] as const) {
        const pair = messages.filter((m) => m === bad || m === good);
        expect(pair).toEqual(pair.map((_, i) => (i % 2 === 0 ? bad : good)));
        expect(pair.at(-1)).toBe(good);
      }
    }
  }, 90_000);

  it('loses no revocation made before the outage, and takes the refused one when retried', async () => {
    expect(await both(bob.accessToken)).toEqual(['401 token_revoked', '401 token_revoked']);
    // The revocation refused during the outage did not half-happen: alice is still in, until the admin retries.
    expect(await both(alice.accessToken)).toEqual(['200', '200']);
    const retried = await revoke(String(parseToken(alice.accessToken).payload.jti));
    expect(retried.status).toBe(200);
    await until(alice.accessToken, '401 token_revoked', 10_000);
  });

  it('rotates the refresh family after the outage without forking it', async () => {
    // As a client does: a 503 (a store answer slower than its 2 s timeout on a loaded machine, which may have
    // committed) is retried with the same token inside the grace window, which hands out the successor it missed.
    const rotateAsClient = async (refreshToken: string) => {
      let answer = await rotate(refreshToken);
      for (let retry = 0; retry < 3 && answer.status === 503; retry++) answer = await rotate(refreshToken);
      return answer;
    };
    const [first, second] = await Promise.all([rotateAsClient(alice.refreshToken), rotateAsClient(alice.refreshToken)]);
    // The answers themselves on failure: which status, which code.
    expect([first, second].map((r) => `${r.status} ${r.status === 200 ? '' : r.body}`.trim())).toContain('200');
    const successors = [first, second]
      .filter((r) => r.status === 200)
      .map((r) => (JSON.parse(r.body) as { refresh_token: string }).refresh_token);
    // Concurrent rotations inside the grace window share one successor: never two live branches.
    expect(new Set(successors).size).toBe(1);
    const next = await rotateAsClient(successors[0] as string);
    expect(next.status).toBe(200);
  });
});
