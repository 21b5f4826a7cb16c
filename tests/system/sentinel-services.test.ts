import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createMemoryDenylist } from '@jwks-kit/denylist';
import { createRedisDenylist } from '@jwks-kit/denylist/redis';
import { createRedisRefreshTokenStore } from '@jwks-kit/issuer/redis';
import { createRefreshTokenService } from '@jwks-kit/issuer/sessions';
import { startRedisSentinel, type TestRedisSentinel } from '@jwks-kit/test-kit';
import { parseToken } from './support/compact-jws.js';
import { codeOf, createHttpClient, type HttpClient } from './support/http-client.js';
import { login, type TokenSet } from './support/start-system.js';
import { startReplicas, type RunningReplicas } from './support/start-replicas.js';

/**
 * The orders service's denylist mirror answers from its last state this long, then fails closed
 * (`DENYLIST_MAX_STALENESS_MS`; shorter than the default 5 s, so the closed window shows in most failovers).
 */
const MIRROR_STALENESS_MS = 2_000;
/** A revocation acknowledged this long ago must be refused (it reaches the mirror within milliseconds). */
const SETTLED_MS = 6_000;
const LOAD_BEFORE_KILL_MS = 2_000;
/** Load goes on at least this long once the killed server is the new replica… */
const LOAD_AFTER_REPLICA_MS = 8_000;
/**
 * …and until everything has recovered (orders answering 200 again, a revocation and each chain's rotation
 * acknowledged since the replica linked), at most this long: a busy machine stretches each step, a fixed
 * window does not tell "slow" from "never".
 */
const RECOVERY_BOUND_MS = 60_000;
/** Once recovered, load goes on this long more: every answer then must be the right one (no flapping). */
const TAIL_MS = 2_000;
const VICTIMS = 12;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('auth service and orders as processes over Sentinel (REDIS_SENTINELS): the primary killed under load', () => {
  let sentinel: TestRedisSentinel;
  let system: RunningReplicas;
  let client: HttpClient;
  let admin: TokenSet;
  let alice: TokenSet;
  let victims: TokenSet[];
  let chains: TokenSet[];

  beforeAll(async () => {
    sentinel = await startRedisSentinel();
    system = await startReplicas({
      replicas: 1,
      profile: false,
      env: {
        REDIS_SENTINELS: sentinel.sentinels.map(({ host, port }) => `${host}:${port}`).join(','),
        REDIS_SENTINEL_NAME: sentinel.name,
        // revocations and rotations are acknowledged once the replica has them (WAIT 1)
        REDIS_WAIT_FOR_REPLICAS: '1',
        // longer than a write may wait for a replica: a client retrying one token gets the committed successor
        REFRESH_GRACE_MS: '60000',
        DENYLIST_MAX_STALENESS_MS: String(MIRROR_STALENESS_MS),
      },
    });
    client = createHttpClient(8, 30_000);
    const auth = system.authUrls[0]!;
    admin = await login(auth, 'admin');
    alice = await login(auth, 'alice');
    victims = [];
    for (let i = 0; i < VICTIMS; i += 1) victims.push(await login(auth, 'alice'));
    chains = [await login(auth, 'bob'), await login(auth, 'bob')];
  }, 300_000);
  afterAll(async () => {
    client?.close();
    await system?.stop();
    await sentinel?.stop();
  });

  it('orders fails closed at most for a bounded window, then serves on the promoted replica; no acknowledged revocation is lost; no refresh family forks', async () => {
    const auth = system.authUrls[0]!;
    const orders = `${system.ordersUrl}/orders`;
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    const acknowledged: { jti: string; at: number; token?: string }[] = [];
    const failedRevocations: number[] = [];
    const verdicts: { at: number; outcome: 'ok' | 'closed' | 'wrong'; detail?: string }[] = [];
    const heads = chains.map((grant) => grant.refreshToken);
    const acknowledgedHeads = chains.map((grant) => [grant.refreshToken]);
    const failedRotations: number[] = [];
    const wrongRotations: string[] = [];
    let stopAt = Number.POSITIVE_INFINITY;
    const running = () => Date.now() < stopAt;
    const counts = () => ({ acknowledged: acknowledged.length, rotations: acknowledgedHeads.map((h) => h.length) });

    // Revokes the victims' tokens one by one (then random jtis) through the admin API; a 200 is an acknowledgement.
    const revoker = (async () => {
      let next = 0;
      while (running()) {
        const victim = victims[next];
        const jti = victim ? String(parseToken(victim.accessToken).payload.jti) : randomUUID();
        const reply = await client.post(`${auth}/admin/revoke`, JSON.stringify({ jti }), {
          ...bearer(admin.accessToken),
          'content-type': 'application/json',
        });
        if (reply.status === 200) {
          acknowledged.push({ jti, at: Date.now(), ...(victim ? { token: victim.accessToken } : {}) });
          next += 1;
        } else {
          if (reply.status !== 503) throw new Error(`revocation answered ${reply.status} ${reply.body}`);
          failedRevocations.push(Date.now());
        }
        await pause(25);
      }
    })();
    // A live token must pass (or meet 503 while the mirror cannot be trusted); a revoked one, acknowledged
    // longer ago than SETTLED_MS, must never pass.
    const prober = (async () => {
      while (running()) {
        const live = await client.get(orders, bearer(alice.accessToken));
        const settled = acknowledged.filter((a) => a.token && Date.now() - a.at > SETTLED_MS);
        const revoked = settled.length ? settled[verdicts.length % settled.length] : undefined;
        const dead = revoked && (await client.get(orders, bearer(revoked.token!)));
        const at = Date.now();
        if (live.status === 503 && codeOf(live) === 'denylist_unavailable' && (!dead || dead.status !== 200))
          verdicts.push({ at, outcome: 'closed' });
        else if (live.status === 200 && (!dead || dead.status === 401)) verdicts.push({ at, outcome: 'ok' });
        else
          verdicts.push({
            at,
            outcome: 'wrong',
            detail: `live ${live.status} ${codeOf(live)}, revoked ${dead?.status}`,
          });
        await pause(20);
      }
    })();
    // Two refresh chains: a 503 presents the same token again; anything but 200 or 503 would be a false alarm.
    const rotators = chains.map(async (_, i) => {
      while (running()) {
        const reply = await client.post(
          `${auth}/token`,
          new URLSearchParams({ grant_type: 'refresh_token', refresh_token: heads[i]! }).toString(),
          { 'content-type': 'application/x-www-form-urlencoded' },
        );
        if (reply.status === 200) {
          heads[i] = (JSON.parse(reply.body) as { refresh_token: string }).refresh_token;
          acknowledgedHeads[i]!.push(heads[i]!);
        } else if (reply.status === 503) failedRotations.push(Date.now());
        else wrongRotations.push(`${reply.status} ${reply.body}`);
        await pause(50);
      }
    });

    await pause(LOAD_BEFORE_KILL_MS);
    const beforeKill = acknowledged.length;
    // The killed server comes back as the new replica; until then writes that WAIT for one fail (closed).
    // The load loops run while the harness polls (asynchronously): they fail the test at once if one throws.
    const load = Promise.all([revoker, prober, ...rotators]);
    load.catch(() => undefined);
    const { killedAt, promotedPort, promotedAt, replicatedAt } = await Promise.race([
      sentinel.failOver(),
      load.then(() => Promise.reject(new Error('the load stopped before the failover ended'))),
    ]);
    const atReplica = counts();
    const recoveredBy = replicatedAt + RECOVERY_BOUND_MS;
    let recoveredAt: number | undefined;
    const recovered = () => {
      const now = counts();
      const last = verdicts.at(-1);
      return (
        Date.now() >= replicatedAt + LOAD_AFTER_REPLICA_MS &&
        last?.outcome === 'ok' &&
        last.at > replicatedAt &&
        now.acknowledged > atReplica.acknowledged &&
        now.rotations.every((n, i) => n > atReplica.rotations[i]!)
      );
    };
    while (recoveredAt === undefined && Date.now() < recoveredBy) {
      if (recovered()) recoveredAt = Date.now();
      else await pause(100);
    }
    stopAt = (recoveredAt ?? recoveredBy) + TAIL_MS;
    await load;

    const after = (times: number[]) => times.filter((t) => t >= killedAt);
    const windowOf = (times: number[]) => (times.length ? Math.max(...times) - Math.min(...times) : 0);
    const closed = after(verdicts.filter((v) => v.outcome === 'closed').map((v) => v.at));
    const figures = {
      promotedPort,
      promotedMs: promotedAt - killedAt,
      replicaLinkedMs: replicatedAt - killedAt,
      ordersFirstClosedMs: closed.length ? Math.min(...closed) - killedAt : null,
      ordersClosedWindowMs: windowOf(closed),
      ordersClosedAnswers: closed.length,
      revocationFailedWindowMs: windowOf(after(failedRevocations)),
      revocationFailures: after(failedRevocations).length,
      rotationFailedWindowMs: windowOf(after(failedRotations)),
      rotationFailures: after(failedRotations).length,
      recoveredMs: recoveredAt === undefined ? null : recoveredAt - killedAt,
      acknowledged: acknowledged.length,
      acknowledgedBeforeKill: beforeKill,
      rotations: acknowledgedHeads.map((h) => h.length - 1),
      probes: verdicts.length,
    };
    console.log(`sentinel failover (services as processes): ${JSON.stringify(figures)}`);
    // A failure shows what the processes said, not only which expectation broke.
    try {
      // Never a wrong answer at orders, never a false reuse alarm at the auth service.
      expect(verdicts.filter((v) => v.outcome === 'wrong')).toEqual([]);
      expect(wrongRotations).toEqual([]);
      expect(verdicts.length).toBeGreaterThan(50);
      // Fails closed only once the mirror has been unsure for its staleness bound, and serves again afterwards.
      if (figures.ordersFirstClosedMs !== null)
        expect(figures.ordersFirstClosedMs).toBeGreaterThanOrEqual(MIRROR_STALENESS_MS - 50);
      const tail = verdicts.filter((v) => v.at > stopAt - TAIL_MS);
      expect(tail.length).toBeGreaterThan(0);
      expect(tail.every((v) => v.outcome === 'ok')).toBe(true);
      expect(figures.recoveredMs).not.toBeNull();
      expect(acknowledged.length).toBeGreaterThan(beforeKill);
      expect(figures.rotations.every((n) => n > 0)).toBe(true);

      // Read the promoted primary directly, through Sentinel as the services do.
      const redis = new Redis({ sentinels: [...sentinel.sentinels], name: sentinel.name, lazyConnect: true });
      redis.on('error', () => undefined);
      await redis.connect();
      try {
        // No acknowledged revocation lost: every one is in Redis, and every revoked victim token is refused at orders.
        const lookup = createRedisDenylist(redis, { issuer: system.issuer, mode: 'lookup' });
        const missing: string[] = [];
        for (const { jti } of acknowledged)
          if (!(await lookup.check({ iss: system.issuer, jti, sub: 'alice', iat: 0 }))) missing.push(jti);
        await lookup.close();
        expect(missing).toEqual([]);
        for (const { token } of acknowledged.filter((a) => a.token)) {
          const reply = await client.get(orders, bearer(token!));
          expect([reply.status, codeOf(reply)]).toEqual([401, 'token_revoked']);
        }

        // No family forked: the last acknowledged token of each chain is its family's head; no earlier one is.
        const families = createRefreshTokenService({
          store: createRedisRefreshTokenStore(redis),
          denylist: createMemoryDenylist({ issuer: system.issuer }),
          signAccessToken: () => Promise.reject(new Error('this service only reads families')),
        });
        for (const [i, tokens] of acknowledgedHeads.entries()) {
          const head = tokens.at(-1)!;
          expect(await families.describe(head)).toMatchObject({ sub: 'bob' });
          for (const earlier of tokens.slice(0, -1)) expect(await families.describe(earlier)).toBeUndefined();
          // and it still rotates, over HTTP
          const reply = await client.post(
            `${auth}/token`,
            new URLSearchParams({ grant_type: 'refresh_token', refresh_token: heads[i]! }).toString(),
            { 'content-type': 'application/x-www-form-urlencoded' },
          );
          expect(reply.status).toBe(200);
        }
      } finally {
        redis.disconnect();
      }
    } catch (error) {
      console.log(`the services' last output lines:\n${system.output.slice(-150).join('\n')}`);
      throw error;
    }
  }, 300_000);
});
