import { Redis } from 'ioredis';
import { startRedis, type TestRedis } from '@jwks-kit/test-kit';
import { parseToken } from './support/compact-jws.js';
import { codeOf, createHttpClient, type HttpClient } from './support/http-client.js';
import { loadDuringRotation, type Rotated } from './support/load-during-rotation.js';
import { percentile } from './support/run-load.js';
import { login, type TokenSet } from './support/start-system.js';
import { startReplicas, type RunningReplicas } from './support/start-replicas.js';

/** Default run: ~10 s of load; `SOAK=1`: 30 s. */
const LOAD_MS = process.env.SOAK === '1' ? 30_000 : 10_000;

type Jwks = { keys: { kid: string }[] };

describe('three auth-service replicas behind a balancer, orders and profile, one Redis (real processes)', () => {
  let redis: TestRedis;
  let inspect: Redis;
  let system: RunningReplicas;
  let client: HttpClient;
  let admin: TokenSet;

  const jwksOf = async (url: string) => {
    const reply = await fetch(`${url}/.well-known/jwks.json`);
    return { status: reply.status, etag: reply.headers.get('etag'), body: await reply.text() };
  };
  /** Polls until every replica serves the same JWKS bytes; resolves them. */
  const agreedJwks = async () => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const all = await Promise.all(system.authUrls.map(jwksOf));
      if (all.every((jwks) => jwks.status === 200 && jwks.body === all[0]!.body)) return all;
      if (Date.now() > deadline) throw new Error(`replicas disagree: ${all.map((j) => j.etag).join(' ')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const rotateAt = (url: string, body = '') =>
    client.post(`${url}/admin/rotate-keys`, body, {
      authorization: `Bearer ${admin.accessToken}`,
      'content-type': 'application/json',
    });
  const verifyEverywhere = async (token: string) => {
    const headers = { authorization: `Bearer ${token}` };
    const replies = await Promise.all([
      client.get(`${system.ordersUrl}/orders`, headers),
      client.get(`${system.profileUrl}/me`, headers),
      ...system.authUrls.map((url) => client.get(`${url}/session`, headers)),
    ]);
    return replies.map((reply) => (reply.status === 200 ? '200' : `${reply.status} ${codeOf(reply)}`));
  };

  beforeAll(async () => {
    redis = await startRedis({ forceSpawn: true });
    inspect = new Redis(redis.url);
    // JWKS cached at most 5 s: a next key may sign 10 s after it is published, and a replica that has
    // not read Redis for 5 s (the example's safety margin) stops signing.
    system = await startReplicas({ redisUrl: redis.url, env: { JWKS_MAX_AGE_SECONDS: '5' } });
    client = createHttpClient(16);
    admin = await login(system.issuer, 'admin');
  }, 200_000);
  afterAll(async () => {
    client?.close();
    await system?.stop();
    inspect?.disconnect();
    await redis?.stop();
  });

  it('all three replicas serve byte-identical JWKS (same ETag), created once for all', async () => {
    const all = await agreedJwks();
    expect(new Set(all.map((jwks) => jwks.etag)).size).toBe(1);
    expect((JSON.parse(all[0]!.body) as Jwks).keys).toHaveLength(2);
  });

  it('logins spread over all three replicas verify at orders, profile and every replica', async () => {
    const kids = new Set<string>();
    for (const url of system.authUrls) {
      for (const user of ['alice', 'alice']) {
        const { accessToken } = await login(url, user);
        kids.add(String(parseToken(accessToken).header.kid));
        expect(await verifyEverywhere(accessToken)).toEqual(Array(2 + system.authUrls.length).fill('200'));
      }
    }
    expect(kids.size).toBe(1);
  });

  it('rotations triggered on the three replicas at the same moment produce exactly one new key', async () => {
    const before = (JSON.parse((await agreedJwks())[0]!.body) as Jwks).keys.map((key) => key.kid);
    // Wait until the next key has been published long enough, then rotate everywhere at once.
    let replies;
    for (;;) {
      replies = await Promise.all(system.authUrls.map((url) => rotateAt(url)));
      if (replies.every((reply) => reply.status === 409)) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        continue;
      }
      break;
    }
    // At the moment the next key matures, a replica asked a few ms earlier may still answer 409 (not yet): every
    // answer is 200 or 409, and every 200 reports the same one rotation (a clean-clone CI run saw 409, 409, 200).
    expect(replies.every((reply) => reply.status === 200 || reply.status === 409)).toBe(true);
    const rotated = replies.filter((reply) => reply.status === 200);
    expect(rotated.length).toBeGreaterThanOrEqual(1);
    const bodies = rotated.map((reply) => JSON.parse(reply.body) as { previous_kid: string; kid: string });
    expect(new Set(bodies.map((body) => JSON.stringify(body))).size).toBe(1);
    const after = (JSON.parse((await agreedJwks())[0]!.body) as Jwks).keys.map((key) => key.kid);
    const added = after.filter((kid) => !before.includes(kid));
    expect(added).toHaveLength(1);
    expect(after).toHaveLength(3);
    expect(bodies[0]!.previous_kid).not.toBe(bodies[0]!.kid);
    expect(before).toContain(bodies[0]!.kid);
  }, 60_000);

  it(
    'under load across both services, a forced rotation on one replica causes zero failed requests',
    async () => {
      const { result, rotated, tokens, kids } = await loadDuringRotation({
        client,
        // Logins through the balancer keep adding tokens from every replica.
        loginUrl: system.issuer,
        ordersUrl: system.ordersUrl,
        profileUrl: system.profileUrl,
        loadMs: LOAD_MS,
        mintEveryMs: 100,
        rotate: async () => {
          const reply = await rotateAt(system.authUrls[1]!, JSON.stringify({ force: true }));
          if (reply.status !== 200) throw new Error(`forced rotation answered ${reply.status} ${codeOf(reply)}`);
          return JSON.parse(reply.body) as Rotated;
        },
      });
      console.log(
        `3 replicas, forced rotation under load: ${result.sent} requests in ${LOAD_MS / 1000} s, ` +
          `${result.sent - (result.outcomes.get('200') ?? 0)} failed, p50 ${percentile(result.latenciesMs, 50).toFixed(1)} ms, ` +
          `p99 ${percentile(result.latenciesMs, 99).toFixed(1)} ms; ${tokens} tokens under ${kids.size} kids; ` +
          `balancer spread ${system.balancer.counts().join('/')}`,
      );
      expect(Object.fromEntries(result.outcomes)).toEqual({ '200': result.sent });
      for (const kid of kids) expect([rotated.previous_kid, rotated.kid]).toContain(kid);
      // Every replica followed the rotation made on one of them: each signs with the new key.
      for (const url of system.authUrls)
        expect(parseToken((await login(url, 'alice')).accessToken).header.kid).toBe(rotated.kid);
      expect(Math.min(...system.balancer.counts())).toBeGreaterThan(0);
    },
    LOAD_MS + 60_000,
  );

  it('a SCAN of Redis finds no private key material in clear (no "d" member, no PEM)', async () => {
    const dump: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await inspect.scan(cursor, 'COUNT', 1000);
      cursor = next;
      for (const key of keys) {
        const type = await inspect.type(key);
        const value =
          type === 'hash'
            ? await inspect.hgetall(key)
            : type === 'string'
              ? await inspect.get(key)
              : type === 'set'
                ? await inspect.smembers(key)
                : type === 'zset'
                  ? await inspect.zrange(key, 0, -1, 'WITHSCORES')
                  : type === 'list'
                    ? await inspect.lrange(key, 0, -1)
                    : type;
        dump.push(key, JSON.stringify(value));
      }
    } while (cursor !== '0');
    const text = dump.join('\n');
    expect(text).toContain('{ring}');
    expect(text).not.toMatch(/"d"|\\"d\\"|PRIVATE KEY|-----BEGIN/);
    // The public modulus is there (public parts in clear, by decision); the private parts are sealed.
    const ring = await inspect.hgetall('jwks-kit:keys:{ring}:keys');
    const sealed = Object.keys(ring).filter((field) => field.startsWith('sealed:'));
    expect(sealed.length).toBeGreaterThanOrEqual(3);
    for (const field of sealed) expect(ring[field]).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\.[\w-]+$/);
  });
});
