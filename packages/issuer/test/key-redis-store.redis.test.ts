import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createClock, ISSUER_01_KEY_TIMES, readIssuer01Record, startRedis, type TestRedis } from '@jwks-kit/test-kit';
import { createKeyRing, type IssuerError } from '../src/index.js';
import { createRedisKeyStore, type RedisKeyStoreOptions } from '../src/redis.js';

let redis: TestRedis;
let client: Redis;

beforeAll(async () => {
  redis = await startRedis();
  client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
});
afterAll(async () => {
  client.disconnect();
  if (redis.owned) await redis.stop();
});

const HOUR = 3_600_000;
const ringOptions = { maxJwksCacheAgeMs: 600_000, maxTokenLifetimeSeconds: HOUR / 1000, rotationIntervalMs: 2 * HOUR };
const kek = randomBytes(32);
const fresh = (options: Partial<RedisKeyStoreOptions> = {}) => {
  const keyPrefix = `test:${randomBytes(6).toString('hex')}:`;
  return { keyPrefix, store: createRedisKeyStore(client, { kek, keyPrefix, ...options }) };
};
const ringHash = (keyPrefix: string) => `${keyPrefix}{ring}:keys`;
const code = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: IssuerError) => error.code ?? error.name,
  );

describe('createRedisKeyStore', () => {
  it('refuses to be created without a 32-byte KEK (TypeError naming the option)', () => {
    expect(() => createRedisKeyStore(client, {} as RedisKeyStoreOptions)).toThrow(/option `kek`/);
    expect(() => createRedisKeyStore(client, { kek: randomBytes(16) })).toThrow(/option `kek` must be a 32-byte/);
    expect(() => createRedisKeyStore(client, { kek, previousKeks: [randomBytes(31)] })).toThrow(/previousKeks\[0\]/);
    expect(() => createRedisKeyStore(client, { kek, keyPrefix: 'a{b}' })).toThrow(/keyPrefix/);
  });

  it.each(['RS256', 'PS256', 'ES256', 'EdDSA'] as const)(
    '%s: persists the alg and stores no private key material in clear (no "d" member, no PEM, no private member value)',
    async (algorithm) => {
      const { keyPrefix, store } = fresh();
      await createKeyRing({ ...ringOptions, store, algorithm });
      const set = (await store.load())!;
      expect(set.keys).toHaveLength(2);
      expect(set.keys.map((key) => key.alg)).toEqual([algorithm, algorithm]);
      const parts: string[] = [];
      let cursor = '0';
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 1000);
        cursor = next;
        for (const key of keys) parts.push(key, JSON.stringify(await client.hgetall(key)));
      } while (cursor !== '0');
      const dump = parts.join('\n');
      expect(dump).not.toMatch(/"d"|\\"d\\"|PRIVATE KEY|-----BEGIN/);
      for (const key of set.keys) {
        const members = key as unknown as Record<string, string | undefined>;
        const secrets = ['d', 'p', 'q', 'dp', 'dq', 'qi'].map((name) => members[name]).filter(Boolean);
        expect(secrets.length).toBe(key.kty === 'RSA' ? 6 : 1);
        for (const secret of secrets) expect(dump).not.toContain(secret);
        expect(dump).toContain(key.kty === 'RSA' ? key.n : key.x);
      }
    },
  );

  it('serves public parts and states without the KEK, but refuses to open private parts under a wrong KEK', async () => {
    const { keyPrefix, store } = fresh();
    const ring = await createKeyRing({ ...ringOptions, store });
    const before = await client.hget(ringHash(keyPrefix), 'version');
    const wrong = createRedisKeyStore(client, { kek: randomBytes(32), keyPrefix });
    const pub = (await wrong.loadPublic())!;
    expect(pub.keys.map((key) => key.kid).sort()).toEqual(
      ring
        .keys()
        .map((key) => key.kid)
        .sort(),
    );
    expect(pub.keys.every((key) => !('d' in key))).toBe(true);
    expect(await code(wrong.load())).toBe('ERR_KEK_MISMATCH');
    expect(await code(createKeyRing({ ...ringOptions, store: wrong }))).toBe('ERR_KEK_MISMATCH');
    expect(await client.hget(ringHash(keyPrefix), 'version')).toBe(before);
  });

  it('binds kid and state: a swapped or re-stated record fails to decrypt', async () => {
    const { keyPrefix, store } = fresh();
    const ring = await createKeyRing({ ...ringOptions, store });
    const [a, b] = ring.keys().map((key) => key.kid);
    const hash = ringHash(keyPrefix);
    const original = await client.hgetall(hash);

    await client.hset(hash, `sealed:${a}`, original[`sealed:${b}`]!, `sealed:${b}`, original[`sealed:${a}`]!);
    expect(await code(store.load())).toBe('ERR_KEY_RECORD_TAMPERED');

    await client.hset(hash, original);
    const restated = (JSON.parse(original.public!) as { state: string }[]).map((key) => ({
      ...key,
      state: key.state === 'next' ? 'active' : 'next',
    }));
    await client.hset(hash, 'public', JSON.stringify(restated));
    expect(await code(store.load())).toBe('ERR_KEY_RECORD_TAMPERED');

    await client.hset(hash, original);
    await client.hdel(hash, `sealed:${a}`);
    expect(await code(store.load())).toBe('ERR_KEY_RECORD_TAMPERED');
  });

  it('rotates the KEK: reads under a previous KEK, re-wraps, then the old KEK alone no longer opens it', async () => {
    const { keyPrefix, store } = fresh();
    const original = (await createKeyRing({ ...ringOptions, store }))
      .keys()
      .map((key) => key.kid)
      .sort();
    const newKek = randomBytes(32);
    const rotating = createRedisKeyStore(client, { kek: newKek, previousKeks: [kek], keyPrefix });
    expect((await rotating.load())!.keys.map((key) => key.kid).sort()).toEqual(original);
    expect(await rotating.rewrap()).toBe(2);
    const after = createRedisKeyStore(client, { kek: newKek, keyPrefix });
    expect((await after.load())!.keys.map((key) => key.kid).sort()).toEqual(original);
    expect(await code(store.load())).toBe('ERR_KEK_MISMATCH');
  });

  it('two replicas starting on an empty store at once share one key ring', async () => {
    const { keyPrefix } = fresh();
    const stores = [0, 1, 2].map(() => createRedisKeyStore(client, { kek, keyPrefix }));
    const rings = await Promise.all(stores.map((store) => createKeyRing({ ...ringOptions, store })));
    const kids = rings.map((ring) => JSON.stringify(ring.keys().map((key) => key.kid)));
    expect(new Set(kids).size).toBe(1);
    expect(rings.map((ring) => ring.signingKey().kid)).toEqual(Array(3).fill(rings[0]!.signingKey().kid));
    expect(await client.hget(ringHash(keyPrefix), 'version')).toBe('1');
  });

  it('rotations triggered on two replicas at the same moment produce exactly one new key; the loser adopts the winner', async () => {
    const clock = createClock();
    const { keyPrefix } = fresh();
    const make = () =>
      createKeyRing({ ...ringOptions, now: clock.now, store: createRedisKeyStore(client, { kek, keyPrefix }) });
    const a = await make();
    const b = await make();
    const kidsBefore = new Set(a.keys().map((key) => key.kid));
    const version = Number(await client.hget(ringHash(keyPrefix), 'version'));
    clock.advance(HOUR);
    const outcomes = await Promise.all([code(a.rotate()), code(b.rotate())]);
    expect(outcomes).toEqual(['resolved', 'resolved']);
    expect(Number(await client.hget(ringHash(keyPrefix), 'version'))).toBe(version + 1);
    expect(b.keys()).toEqual(a.keys());
    expect(b.signingKey().kid).toBe(a.signingKey().kid);
    const added = a.keys().filter((key) => !kidsBefore.has(key.kid));
    expect(added).toHaveLength(1);
    expect(
      a
        .keys()
        .map((key) => key.state)
        .sort(),
    ).toEqual(['active', 'next', 'retired']);
  });

  it('scheduled rotation on every replica makes one transition per step, and the losers adopt the winner', async () => {
    const clock = createClock();
    const { keyPrefix } = fresh();
    const make = () =>
      createKeyRing({ ...ringOptions, now: clock.now, store: createRedisKeyStore(client, { kek, keyPrefix }) });
    const rings = [await make(), await make(), await make()];
    const version = Number(await client.hget(ringHash(keyPrefix), 'version'));
    clock.advance(2 * HOUR + 1);
    await Promise.all(rings.map((ring) => ring.tick()));
    expect(Number(await client.hget(ringHash(keyPrefix), 'version'))).toBe(version + 1);
    expect(new Set(rings.map((ring) => ring.signingKey().kid)).size).toBe(1);
    expect(new Set(rings.map((ring) => JSON.stringify(ring.publicJwks())))).toHaveProperty('size', 1);
    expect(rings[0]!.keys()).toHaveLength(3);
  });

  it('announces every written version on its channel', async () => {
    const { store } = fresh();
    const subscriber = client.duplicate();
    try {
      await subscriber.subscribe(store.channel);
      const message = new Promise<string>((resolve) => subscriber.once('message', (_channel, m: string) => resolve(m)));
      await createKeyRing({ ...ringOptions, store });
      await expect(message).resolves.toBe('1');
    } finally {
      subscriber.disconnect();
    }
  });
});

describe('a key ring written to Redis by 0.1 (createdAt, activatesAt, activatedAt, retiredAt, removeAt)', () => {
  // HGETALL of the ring hash that 0.1's own createRedisKeyStore wrote under the fixture's KEK: a ring created at
  // 1780000000000 and rotated 15 minutes later (a retired, an active and a next key).
  let old: { kekHex: string; ring: Record<string, string> };
  let oldPublic: Record<string, unknown>[];
  beforeAll(async () => {
    old = JSON.parse(await readIssuer01Record('key-ring-redis'));
    oldPublic = JSON.parse(old.ring.public!);
  });
  const restore = async (edit: (records: Record<string, unknown>[]) => unknown = (records) => records) => {
    const keyPrefix = `test:${randomBytes(6).toString('hex')}:`;
    await client.hset(ringHash(keyPrefix), { ...old.ring, public: JSON.stringify(edit(structuredClone(oldPublic))) });
    return { keyPrefix, store: createRedisKeyStore(client, { kek: Buffer.from(old.kekHex, 'hex'), keyPrefix }) };
  };
  const expectRenamed = (keys: readonly Record<string, unknown>[]) => {
    expect(keys.map((key) => key.kid)).toEqual(oldPublic.map((key) => key.kid));
    for (const [index, key] of keys.entries()) {
      for (const [previous, current] of ISSUER_01_KEY_TIMES) {
        expect(key).not.toHaveProperty(previous);
        expect(key[current]).toBe(oldPublic[index]![previous]);
      }
    }
  };

  it('loads (private parts opened, public parts alone) with every time under its …AtMs name', async () => {
    const { store } = await restore();
    const loaded = (await store.load())!;
    expect(loaded.keys.map((key) => key.state)).toEqual(['retired', 'active', 'next']);
    expectRenamed(loaded.keys as unknown as Record<string, unknown>[]);
    expectRenamed((await store.loadPublic())!.keys as unknown as Record<string, unknown>[]);
  });

  it('is rewritten under the …AtMs names only on the next write', async () => {
    const { keyPrefix, store } = await restore();
    const before = await store.load();
    expect(await store.rewrap()).toBe(3);
    const written = JSON.parse((await client.hget(ringHash(keyPrefix), 'public'))!) as Record<string, unknown>[];
    expectRenamed(written);
    expect(await store.load()).toEqual(before);
  });

  it.each([
    [
      'a key with neither createdAt nor createdAtMs',
      (records: Record<string, unknown>[]) => {
        delete records[1]!.createdAt;
        return records;
      },
    ],
    [
      'a createdAt that is not a number',
      (records: Record<string, unknown>[]) => {
        records[1]!.createdAt = String(records[1]!.createdAt);
        return records;
      },
    ],
    ['public records that are not an array', () => ({ keys: [] })],
  ])('refuses %s with ERR_KEY_RECORD_TAMPERED, with and without the KEK', async (_what, corrupt) => {
    const { store } = await restore(corrupt);
    expect(await code(store.load())).toBe('ERR_KEY_RECORD_TAMPERED');
    expect(await code(store.loadPublic())).toBe('ERR_KEY_RECORD_TAMPERED');
    expect(await code(createKeyRing({ ...ringOptions, store }))).toBe('ERR_KEY_RECORD_TAMPERED');
  });
});
