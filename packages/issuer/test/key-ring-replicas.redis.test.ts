import { randomBytes } from 'node:crypto';
import express from 'express';
import { Redis } from 'ioredis';
import request from 'supertest';
import { breakableKeyStore, createClock, startRedis, type TestRedis } from '@jwks-kit/test-kit';
import {
  createAccessTokenSigner,
  createKeyRing,
  createMemoryKeyStore,
  jwksHandler,
  type KeyRing,
  type KeyRingOptions,
  type KeyStore,
} from '../src/index.js';
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
const HOUR = 60 * MINUTE;
// Stale once unread for two hours; the scheduler would re-read every hour.
const STALE_AFTER_TWO_HOURS = { safetyMarginMs: 2 * HOUR, checkIntervalMs: HOUR };
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

  // A started ring over a breakable Redis store, with a signer over it. The scheduler's period is an hour of the test
  // clock and of real time: it never runs during a test, so only a caller that finds the ring stale brings it back.
  const startedRing = async (options: Pick<KeyRingOptions, 'freshWaitMs'> = {}) => {
    const clock = createClock();
    const store = breakableKeyStore(storeAt(prefix()));
    const ring = await createKeyRing({ ...base, store, ...STALE_AFTER_TWO_HOURS, now: clock.now, ...options });
    ring.start();
    const signer = createAccessTokenSigner({ issuer: 'https://issuer.test', keyRing: ring, defaultAudience: 'api' });
    return { clock, store, ring, signer, goStale: () => clock.advance(2 * HOUR + 1) };
  };
  const STALE = expect.objectContaining({ code: 'ERR_KEY_RING_STALE' });
  // Lets a provoked read start and, on a broken store, fail (the ring runs store calls one at a time, behind a promise
  // queue; a broken store rejects without I/O).
  const settle = () => new Promise((resolve) => setImmediate(resolve));

  it('a started ring found stale re-reads the store at once (one read at a time), not at the scheduler’s next tick; health() says failing until then', async () => {
    // A generous wait, so that whenFresh() below waits for the real Redis read however loaded the machine is.
    const { clock, store, ring, goStale } = await startedRing({ freshWaitMs: MINUTE });
    const safetyMarginMs = 2 * MINUTE;
    const unstarted = await createKeyRing({ ...base, store, safetyMarginMs, checkIntervalMs: MINUTE, now: clock.now });
    try {
      const kid = ring.signingKey().kid;
      expect(ring.health()).toMatchObject({ state: 'ok', fresh: true });
      expect(store.loads).toBe(0);

      // The outage: stale past the margin, and every re-read it provokes fails (the ring stays failing).
      store.broken = true;
      goStale();
      expect(ring.health()).toMatchObject({ state: 'failing', fresh: false });
      await settle();
      expect(store.loads).toBe(1);
      expect(() => ring.signingKey()).toThrow(STALE);
      await settle();
      expect(store.loads).toBe(2);
      expect(ring.health()).toMatchObject({ state: 'failing', fresh: false });

      // Many callers while one read is in flight start no second one.
      const release = store.hold();
      const before = store.loads;
      for (let i = 0; i < 20; i++) {
        expect(ring.health().state).toBe('failing');
        expect(() => ring.signingKey()).toThrow(STALE);
        await settle();
      }
      expect(store.loads).toBe(before + 1);

      // The store answers again: the read in flight brings the ring back, with no tick and no scheduler.
      store.broken = false;
      release();
      await expect(ring.whenFresh()).resolves.toBe(true);
      expect(store.loads).toBe(before + 1);
      expect(ring.health()).toMatchObject({ state: 'ok', fresh: true, syncedAtMs: clock.now() });
      expect(ring.signingKey().kid).toBe(kid);

      // A ring never started keeps the documented contract: stale until it reads the store itself (tick, reload).
      clock.advance(safetyMarginMs + 1);
      const loadsBefore = store.loads;
      expect(unstarted.health()).toMatchObject({ state: 'failing', fresh: false });
      expect(() => unstarted.signingKey()).toThrow(STALE);
      await expect(unstarted.whenFresh()).resolves.toBe(false);
      await settle();
      expect(store.loads).toBe(loadsBefore);
    } finally {
      await ring.stop();
    }
    // After stop() nothing of the ring touches the store, stale or not.
    goStale();
    const afterStop = store.loads;
    expect(ring.health().state).toBe('failing');
    await expect(ring.whenFresh()).resolves.toBe(false);
    await settle();
    expect(store.loads).toBe(afterStop);
  });

  it('a signature asked while a started ring is stale waits for the ring’s re-read and signs once the store answers; signingKey() itself still refuses at once', async () => {
    // A generous wait, so that the real Redis read is never cut short on a loaded machine (the bound: next test).
    const { store, ring, signer, goStale } = await startedRing({ freshWaitMs: MINUTE });
    try {
      const kid = ring.signingKey().kid;
      await expect(ring.whenFresh()).resolves.toBe(true);
      expect(store.loads).toBe(0);

      // Still down: the re-read the signature waits for fails, and the signature is refused as before.
      store.broken = true;
      goStale();
      await expect(signer.sign({ sub: 'alice' })).rejects.toThrow(STALE);
      await expect(ring.whenFresh()).resolves.toBe(false);
      await settle();

      // Redis answers again. The synchronous path neither waits nor changes: it refuses, starting the re-read …
      store.broken = false;
      const loads = store.loads;
      expect(() => ring.signingKey()).toThrow(STALE);
      // … and the signatures asked meanwhile wait for that one read instead of answering 503.
      const signed = await Promise.all([signer.sign({ sub: 'alice' }), signer.sign({ sub: 'bob' })]);
      expect(signed.map((token) => token.kid)).toEqual([kid, kid]);
      expect(store.loads).toBe(loads + 1);
      expect(ring.health()).toMatchObject({ state: 'ok', fresh: true });

      // A stale ring with no read in flight: the signature starts the re-read itself and waits for it.
      goStale();
      await expect(signer.sign({ sub: 'carol' })).resolves.toMatchObject({ kid });
      expect(store.loads).toBe(loads + 2);
    } finally {
      await ring.stop();
    }
  });

  it('a signature waits for a stale ring’s re-read at most freshWaitMs: a store that does not answer refuses every signature with ERR_KEY_RING_STALE while it still hangs', async () => {
    const { clock, store, ring, signer, goStale } = await startedRing({ freshWaitMs: 50 });
    const release = store.hold();
    try {
      goStale();
      // Resolves only if every signature gave up waiting on its own: the read they wait for is held until release().
      const outcomes = await Promise.allSettled(Array.from({ length: 20 }, () => signer.sign({ sub: 'alice' })));
      expect(outcomes.map((outcome) => outcome.status === 'rejected' && outcome.reason.code)).toEqual(
        Array(20).fill('ERR_KEY_RING_STALE'),
      );
      await expect(ring.whenFresh()).resolves.toBe(false);
      expect(store.loads).toBe(1);
    } finally {
      release();
      await ring.stop();
    }
    // The read they gave up on still brought the ring back once the store answered.
    expect(ring.health()).toMatchObject({ state: 'ok', fresh: true, syncedAtMs: clock.now() });
  });

  it('a ring over a store no other process writes (memory) never goes stale', async () => {
    const clock = createClock();
    const ring = await createKeyRing({ ...base, store: createMemoryKeyStore(), now: clock.now });
    clock.advance(365 * 24 * 60 * MINUTE);
    expect(ring.health().fresh).toBe(true);
    expect(ring.signingKey().kid).toMatch(/^[\w-]{43}$/);
    await expect(ring.whenFresh()).resolves.toBe(true);
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
