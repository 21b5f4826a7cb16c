import { randomBytes } from 'node:crypto';
import express from 'express';
import { Redis } from 'ioredis';
import request from 'supertest';
import { breakableKeyStore, createClock, startRedis, type TestRedis } from '@jwks-kit/test-kit';
import { createKeyRing, createMemoryKeyStore, jwksHandler, type KeyRing, type KeyStore } from '../src/index.js';
import { createRedisKeyStore } from '../src/redis.js';

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

const MINUTE = 60_000;
const kek = randomBytes(32);
const prefix = () => `test:${randomBytes(6).toString('hex')}:`;
const storeAt = (keyPrefix: string) => createRedisKeyStore(client, { kek, keyPrefix });
const changed = (ring: KeyRing) =>
  new Promise<void>((resolve) => {
    const off = ring.on('change', () => {
      off();
      resolve();
    });
  });
const base = { maxJwksCacheAgeMs: 10 * MINUTE, maxTokenLifetimeSeconds: (15 * MINUTE) / 1000, rotationIntervalMs: 0 };

describe('key rings of several replicas following one Redis key store', () => {
  it('a started ring follows another replica’s rotation through pub/sub, long before its periodic re-read', async () => {
    const keyPrefix = prefix();
    const a = await createKeyRing({ ...base, store: storeAt(keyPrefix) });
    const b = await createKeyRing({ ...base, store: storeAt(keyPrefix), checkIntervalMs: MINUTE });
    b.start();
    try {
      // start() subscribes and re-reads once subscribed; let that settle before measuring.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const followed = changed(b);
      await a.rotate({ force: true });
      const startedAt = Date.now();
      await followed;
      const elapsedMs = Date.now() - startedAt;
      console.log(`key ring change seen by another replica through pub/sub ${elapsedMs} ms after the write`);
      expect(b.signingKey().kid).toBe(a.signingKey().kid);
      expect(JSON.stringify(b.publicJwks())).toBe(JSON.stringify(a.publicJwks()));
      expect(elapsedMs).toBeLessThan(MINUTE);
    } finally {
      await b.stop();
    }
  });

  it('a replica whose announcement is lost still follows within checkIntervalMs (the periodic re-read)', async () => {
    const keyPrefix = prefix();
    const checkIntervalMs = 500;
    const a = await createKeyRing({ ...base, store: storeAt(keyPrefix) });
    const deaf: KeyStore = { ...storeAt(keyPrefix), watch: () => () => undefined };
    const b = await createKeyRing({ ...base, store: deaf, checkIntervalMs, safetyMarginMs: 4 * checkIntervalMs });
    b.start();
    try {
      const followed = changed(b);
      await a.rotate({ force: true });
      const startedAt = Date.now();
      await followed;
      // The bound: one interval plus one store read; a whole second interval of slack for a loaded machine.
      expect(Date.now() - startedAt).toBeLessThan(2 * checkIntervalMs);
      expect(b.signingKey().kid).toBe(a.signingKey().kid);
    } finally {
      await b.stop();
    }
  });

  it('a replica that has not read the shared store within safetyMarginMs neither signs nor serves its JWKS, until it reads again', async () => {
    const clock = createClock();
    const store = breakableKeyStore(storeAt(prefix()));
    const safetyMarginMs = 2 * MINUTE;
    const ring = await createKeyRing({ ...base, store, safetyMarginMs, checkIntervalMs: MINUTE, now: clock.now });
    const app = express().get('/jwks', jwksHandler(ring));
    const kid = ring.signingKey().kid;

    store.broken = true;
    await expect(ring.tick()).rejects.toThrow('redis unreachable');
    clock.advance(safetyMarginMs);
    expect(ring.signingKey().kid).toBe(kid);
    await request(app).get('/jwks').expect(200);

    clock.advance(1);
    expect(ring.health()).toMatchObject({ state: 'failing', fresh: false });
    expect(() => ring.signingKey()).toThrow(expect.objectContaining({ code: 'ERR_KEY_RING_STALE' }));
    const refused = await request(app).get('/jwks').expect(503);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.text).toBe('');

    store.broken = false;
    await ring.tick();
    expect(ring.health()).toMatchObject({ state: 'ok', fresh: true, syncedAtMs: clock.now() });
    expect(ring.signingKey().kid).toBe(kid);
    await request(app).get('/jwks').expect(200);
  });

  it('a started ring found stale re-reads the store at once (one read at a time), not at the scheduler’s next tick; health() says failing until then', async () => {
    const clock = createClock();
    const inner = storeAt(prefix());
    let broken = false;
    // Every load the ring starts, so that the test can wait for the one a caller provoked (no timing).
    const loads: Array<Promise<unknown>> = [];
    let held: Promise<void> | undefined;
    const store: KeyStore = {
      load: () => {
        const load = (held ?? Promise.resolve()).then(() =>
          broken ? Promise.reject(new Error('redis unreachable')) : inner.load(),
        );
        loads.push(load.catch(() => undefined));
        return load;
      },
      save: (set) => (broken ? Promise.reject(new Error('redis unreachable')) : inner.save(set)),
      update: (mutate) => (broken ? Promise.reject(new Error('redis unreachable')) : inner.update!(mutate)),
      watch: () => () => undefined,
    };
    // Lets a provoked read start (the ring runs store calls one at a time, behind a promise queue).
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    const safetyMarginMs = 2 * MINUTE;
    // The scheduler's period is an hour of the test clock and real time: it never runs during the test.
    const ring = await createKeyRing({
      ...base,
      store,
      safetyMarginMs: 120 * MINUTE,
      checkIntervalMs: 60 * MINUTE,
      now: clock.now,
    });
    const unstarted = await createKeyRing({ ...base, store, safetyMarginMs, checkIntervalMs: MINUTE, now: clock.now });
    ring.start();
    try {
      const kid = ring.signingKey().kid;
      expect(ring.health()).toMatchObject({ state: 'ok', fresh: true });
      expect(loads).toHaveLength(0);

      // The outage: stale past the margin, and every re-read it provokes fails (the ring stays failing).
      broken = true;
      clock.advance(120 * MINUTE + 1);
      expect(ring.health()).toMatchObject({ state: 'failing', fresh: false });
      await settle();
      expect(loads).toHaveLength(1);
      await Promise.all(loads);
      expect(() => ring.signingKey()).toThrow(expect.objectContaining({ code: 'ERR_KEY_RING_STALE' }));
      await settle();
      await Promise.all(loads);
      expect(loads).toHaveLength(2);
      expect(ring.health()).toMatchObject({ state: 'failing', fresh: false });

      // Many callers while one read is in flight start no second one.
      let release = () => {};
      held = new Promise<void>((resolve) => (release = resolve));
      const before = loads.length;
      for (let i = 0; i < 20; i++) {
        expect(ring.health().state).toBe('failing');
        expect(() => ring.signingKey()).toThrow(expect.objectContaining({ code: 'ERR_KEY_RING_STALE' }));
        await settle();
      }
      expect(loads).toHaveLength(before + 1);

      // The store answers again: the read in flight brings the ring back, with no tick and no scheduler.
      broken = false;
      release();
      held = undefined;
      await Promise.all(loads);
      await settle();
      expect(ring.health()).toMatchObject({ state: 'ok', fresh: true, syncedAtMs: clock.now() });
      expect(ring.signingKey().kid).toBe(kid);

      // A ring never started keeps the documented contract: stale until it reads the store itself (tick, reload).
      clock.advance(safetyMarginMs + 1);
      const loadsBefore = loads.length;
      expect(unstarted.health()).toMatchObject({ state: 'failing', fresh: false });
      expect(() => unstarted.signingKey()).toThrow(expect.objectContaining({ code: 'ERR_KEY_RING_STALE' }));
      await settle();
      expect(loads).toHaveLength(loadsBefore);
    } finally {
      await ring.stop();
    }
    // After stop() nothing of the ring touches the store, stale or not.
    clock.advance(120 * MINUTE + 1);
    const afterStop = loads.length;
    expect(ring.health().state).toBe('failing');
    await settle();
    expect(loads).toHaveLength(afterStop);
  });

  it('a ring over a store no other process writes (memory) never goes stale', async () => {
    const clock = createClock();
    const ring = await createKeyRing({ ...base, store: createMemoryKeyStore(), now: clock.now });
    clock.advance(365 * 24 * 60 * MINUTE);
    expect(ring.health().fresh).toBe(true);
    expect(ring.signingKey().kid).toMatch(/^[\w-]{43}$/);
  });

  it('under random interleavings of 3 replicas, none signs with a key every replica has not published for maxJwksCacheAgeMs, and none serves a JWKS lacking a key another signs with', async () => {
    const clock = createClock();
    const keyPrefix = prefix();
    const timing = {
      maxJwksCacheAgeMs: 10 * MINUTE,
      maxTokenLifetimeSeconds: (15 * MINUTE) / 1000,
      safetyMarginMs: 2 * MINUTE,
      checkIntervalMs: MINUTE,
      rotationIntervalMs: 20 * MINUTE,
      now: clock.now,
    };
    const rings = [
      await createKeyRing({ ...timing, store: storeAt(keyPrefix) }),
      await createKeyRing({ ...timing, store: storeAt(keyPrefix) }),
      await createKeyRing({ ...timing, store: storeAt(keyPrefix) }),
    ];
    // A seeded generator: a failure replays.
    let seed = 0x2f6e2b1;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const nextSyncAt = rings.map(() => clock.now() + random() * timing.checkIntervalMs);
    const servedSince = new Map<string, number[]>();
    const violations: string[] = [];
    const signingKids = new Set<string>();
    let onDemand = 0;
    const end = clock.now() + 3 * 60 * MINUTE;
    // The first key of an empty store signs at once: no verifier can hold an older copy of a JWKS that did not exist.
    const bootstrapKid = rings[0]!.signingKey().kid;

    while (clock.now() < end) {
      clock.advance(5_000 + random() * 10_000);
      const at = clock.now();
      // The scheduler: each replica re-reads at least every checkIntervalMs, several often at the same instant.
      const due = rings.filter((_, i) => nextSyncAt[i]! <= at);
      for (const [i] of rings.entries())
        if (nextSyncAt[i]! <= at) nextSyncAt[i] = at + (0.5 + random() / 2) * timing.checkIntervalMs;
      const operations = due.map((ring) => ring.tick());
      // On-demand rotations from one or two replicas at the same moment.
      if (random() < 0.03) {
        const callers = random() < 0.5 ? [rings[0]!, rings[2]!] : [rings[1]!];
        onDemand += 1;
        for (const ring of callers)
          operations.push(
            ring.rotate().catch((error: { code?: string }) => expect(error.code).toBe('ERR_NEXT_KEY_NOT_READY')),
          );
      }
      await Promise.all(operations);

      const published = rings.map((ring) => new Set(ring.publicJwks().keys.map((key) => key.kid)));
      for (const [i, kids] of published.entries())
        for (const kid of kids) {
          const since = servedSince.get(kid) ?? [];
          since[i] ??= at;
          servedSince.set(kid, since);
        }
      for (const [i, ring] of rings.entries()) {
        if (!ring.health().fresh) continue;
        const kid = ring.signingKey().kid;
        signingKids.add(kid);
        const since = servedSince.get(kid) ?? [];
        const byAll = since.filter((t) => t !== undefined).length === rings.length ? Math.max(...since) : Infinity;
        if (kid !== bootstrapKid && at - byAll < timing.maxJwksCacheAgeMs)
          violations.push(`t=${at}: replica ${i} signs with ${kid}, published by all for ${at - byAll} ms only`);
        for (const [j, kids] of published.entries())
          if (rings[j]!.health().fresh && !kids.has(kid))
            violations.push(`t=${at}: replica ${j} serves a JWKS without ${kid}, which replica ${i} signs with`);
      }
    }
    expect(violations).toEqual([]);
    // 3 hours with a 20-minute schedule: about 9 rotations happened, each adding exactly one key.
    const stored = (await storeAt(keyPrefix).load())!;
    expect(signingKids.size).toBeGreaterThanOrEqual(7);
    expect(stored.keys.map((key) => key.state).sort()).toEqual(['active', 'next', 'retired']);
    expect(onDemand).toBeGreaterThan(0);
    expect(new Set(rings.map((ring) => JSON.stringify(ring.keys())))).toHaveProperty('size', 1);
  }, 120_000);
});
