import { randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createRedisDenylist, type RedisDenylist } from '@jwks-kit/denylist/redis';
import { createAccessTokenSigner, createKeyRing, type KeyRing } from '@jwks-kit/issuer';
import { createRedisKeyStore, createRedisRefreshTokenStore } from '@jwks-kit/issuer/redis';
import { createRefreshTokenService, type RefreshTokenService } from '@jwks-kit/issuer/sessions';
import { startRedisSentinel, type TestRedisSentinel } from '@jwks-kit/test-kit';
import { redisRetryStrategy } from '@jwks-kit/examples/shared/redis-connection';

const ISSUER = 'https://auth.test';
/** The verifier's mirror fails closed after this long unsure (short, so the window shows in a short test). */
const MIRROR_STALENESS_MS = 1_000;
const LOAD_AFTER_FAILOVER_MS = 3_000;

describe('Sentinel: primary killed under load (denylist, refresh store and key store through one replica and three sentinels)', () => {
  let sentinel: TestRedisSentinel;
  const clients: Redis[] = [];
  let issuerDenylist: RedisDenylist;
  let mirror: RedisDenylist;
  let ring: KeyRing;
  let sessions: RefreshTokenService;

  /** A Sentinel client as a service would make it: fail fast while disconnected, reconnect with jitter. */
  const connect = async () => {
    const client = new Redis({
      sentinels: [...sentinel.sentinels],
      name: sentinel.name,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: redisRetryStrategy,
      sentinelRetryStrategy: redisRetryStrategy,
      lazyConnect: true,
    });
    // Reconnection attempts are reported as errors while every sentinel points at the dead primary.
    client.on('error', () => undefined);
    await client.connect();
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    sentinel = await startRedisSentinel();
    const issuerRedis = await connect();
    issuerDenylist = createRedisDenylist(issuerRedis, { issuer: ISSUER, mode: 'lookup', waitForReplicas: 1 });
    ring = await createKeyRing({
      store: createRedisKeyStore(issuerRedis, { kek: randomBytes(32) }),
      maxJwksCacheAgeMs: 60_000,
      maxTokenLifetimeSeconds: 300,
      safetyMarginMs: 30_000,
      checkIntervalMs: 5_000,
    });
    ring.start();
    const signer = createAccessTokenSigner({ issuer: ISSUER, keyRing: ring, defaultAudience: 'api' });
    sessions = createRefreshTokenService({
      store: createRedisRefreshTokenStore(issuerRedis, { waitForReplicas: 1 }),
      denylist: issuerDenylist,
      signAccessToken: (input) => signer.sign({ sub: input.sub, claims: { sid: input.familyId } }),
      // Longer than writes may wait for a replica (the sentinels re-add the restarted server within ~20 s): a
      // client retrying the same token meanwhile gets the committed successor, never a false reuse alarm.
      graceMs: 60_000,
    });
    mirror = createRedisDenylist(await connect(), {
      issuer: ISSUER,
      mode: 'mirror',
      maxStalenessMs: MIRROR_STALENESS_MS,
    });
    await mirror.ready();
  }, 120_000);
  afterAll(async () => {
    await ring?.stop();
    await mirror?.close();
    await issuerDenylist?.close();
    for (const client of clients) client.disconnect();
    await sentinel?.stop();
  });

  it('fails closed at most its staleness bound, continues on the promoted replica, loses no acknowledged revocation, forks no family', async () => {
    const exp = () => Math.floor(Date.now() / 1000) + 300;
    const acknowledged: { jti: string; at: number }[] = [];
    const failedWrites: number[] = [];
    const verdicts: { at: number; outcome: 'ok' | 'closed' | 'wrong' }[] = [];
    const signingRefusals: number[] = [];
    const chains = await Promise.all([0, 1, 2, 3].map((i) => sessions.start({ sub: `user-${i}` })));
    const acknowledgedHeads = chains.map((grant) => grant.refreshToken);
    const rotationFailures: number[] = [];
    let stopAt = Number.POSITIVE_INFINITY;
    const running = () => Date.now() < stopAt;

    const revoker = (async () => {
      while (running()) {
        const jti = randomUUID();
        try {
          await issuerDenylist.revoke(jti, exp());
          acknowledged.push({ jti, at: Date.now() });
        } catch {
          failedWrites.push(Date.now());
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
    })();
    const verifier = (async () => {
      while (running()) {
        const revoked = acknowledged.slice(-200);
        try {
          const live = mirror.check({ iss: ISSUER, jti: randomUUID(), sub: 'someone', iat: exp() - 300 });
          // The mirror may lag a revocation (and answers from its last state while unsure, up to its staleness
          // bound); a revocation acknowledged longer ago than that bound plus a second must be in it.
          const settled = revoked.filter(({ at }) => Date.now() - at > MIRROR_STALENESS_MS + 1_000);
          const settledSeen = settled.every(({ jti }) => mirror.check({ iss: ISSUER, jti, sub: 'x', iat: 0 }));
          verdicts.push({ at: Date.now(), outcome: live === false && settledSeen ? 'ok' : 'wrong' });
        } catch (error) {
          verdicts.push({
            at: Date.now(),
            outcome: (error as { code?: string }).code === 'ERR_DENYLIST_UNAVAILABLE' ? 'closed' : 'wrong',
          });
        }
        try {
          ring.signingKey();
        } catch {
          signingRefusals.push(Date.now());
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    const rotators = chains.map(async (_, i) => {
      while (running()) {
        try {
          const grant = await sessions.rotate(acknowledgedHeads[i]!);
          acknowledgedHeads[i] = grant.refreshToken;
        } catch (error) {
          // Unavailable: the same token is presented again (a committed rotation is replayed within the grace window).
          if ((error as { code?: string }).code !== 'ERR_REFRESH_STORE_UNAVAILABLE') throw error;
          rotationFailures.push(Date.now());
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
    });

    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const beforeKill = acknowledged.length;
    // The killed server comes back (a restarted pod) and the sentinels make it the new replica: until then the
    // promoted primary has no replica, so writes that WAIT for one fail (closed) rather than risk being lost.
    const { killedAt, promotedPort, promotedAt, replicatedAt } = await sentinel.failOver();
    stopAt = replicatedAt + LOAD_AFTER_FAILOVER_MS;
    await Promise.all([revoker, verifier, ...rotators]);

    const after = (times: number[]) => times.filter((t) => t >= killedAt);
    const span = (times: number[]) => (times.length === 0 ? 0 : Math.max(...times) - killedAt);
    const closed = verdicts.filter((v) => v.outcome === 'closed').map((v) => v.at);
    const firstClosed = closed.length ? Math.min(...closed) - killedAt : undefined;
    const writeWindowMs = span(after(failedWrites));
    const rotationWindowMs = span(after(rotationFailures));
    const closedWindowMs = closed.length ? Math.max(...closed) - Math.min(...closed) : 0;
    console.log(
      `sentinel failover: promoted ${promotedPort} ${promotedAt - killedAt} ms after the kill, new replica linked after ${replicatedAt - killedAt} ms; ` +
        `revocation writes failed for ${writeWindowMs} ms (${after(failedWrites).length} attempts), ` +
        `refresh rotations for ${rotationWindowMs} ms (${after(rotationFailures).length} attempts); ` +
        `mirror answered from its last state ${firstClosed ?? 'throughout'}${firstClosed === undefined ? '' : ' ms'}, then failed closed for ${closedWindowMs} ms; ` +
        `${acknowledged.length} revocations acknowledged (${beforeKill} before the kill), signing refused ${signingRefusals.length} times`,
    );

    // Never a wrong answer: no live token reported revoked, no acknowledged revocation reported live.
    expect(verdicts.filter((v) => v.outcome === 'wrong')).toEqual([]);
    expect(verdicts.length).toBeGreaterThan(100);
    // Fails closed only after its staleness bound, and continues on the promoted replica.
    if (firstClosed !== undefined) expect(firstClosed).toBeGreaterThanOrEqual(MIRROR_STALENESS_MS - 50);
    const tail = verdicts.filter((v) => v.at > stopAt - 1_000);
    expect(tail.length).toBeGreaterThan(0);
    expect(tail.every((v) => v.outcome === 'ok')).toBe(true);
    expect(acknowledged.length).toBeGreaterThan(beforeKill);
    // The key ring never went stale (its bound is 30 s) and signs on.
    expect(signingRefusals).toEqual([]);
    expect(ring.signingKey().kid).toMatch(/^[\w-]{43}$/);

    // No acknowledged revocation is lost: a fresh lookup on the promoted primary finds every one.
    const lookup = createRedisDenylist(await connect(), { issuer: ISSUER, mode: 'lookup' });
    const missing: string[] = [];
    for (const { jti } of acknowledged)
      if (!(await lookup.check({ iss: ISSUER, jti, sub: 'x', iat: 0 }))) missing.push(jti);
    await lookup.close();
    expect(missing).toEqual([]);

    // No family forked: each last acknowledged refresh token is its family's head and rotates; nothing older does.
    for (const [i, head] of acknowledgedHeads.entries()) {
      expect(await sessions.describe(head)).toMatchObject({ familyId: chains[i]!.familyId });
      if (head !== chains[i]!.refreshToken) expect(await sessions.describe(chains[i]!.refreshToken)).toBeUndefined();
    }
    for (const [i, head] of acknowledgedHeads.entries()) {
      const next = await sessions.rotate(head);
      expect(next.familyId).toBe(chains[i]!.familyId);
    }
  }, 120_000);
});
