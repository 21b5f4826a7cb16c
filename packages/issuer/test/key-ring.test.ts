import { BUILT_IN_NAMES, createClock } from '@jwks-kit/test-kit';
import {
  createKeyRing,
  createMemoryKeyStore,
  IssuerError,
  type KeyRing,
  type KeyRingOptions,
  type KeyStore,
} from '../src/index.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi'];

function expectOnlyPublicMembers(ring: KeyRing): void {
  for (const jwk of ring.publicJwks().keys) {
    expect(Object.keys(jwk).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
    for (const member of PRIVATE_MEMBERS) expect(jwk).not.toHaveProperty(member);
  }
}

const states = (ring: KeyRing) =>
  ring
    .keys()
    .map((k) => k.state)
    .sort();

describe('createKeyRing', () => {
  const base = {
    maxJwksCacheAgeMs: 10 * MINUTE,
    maxTokenLifetimeSeconds: HOUR / 1000,
    safetyMarginMs: 5 * MINUTE,
    rotationIntervalMs: DAY,
  };

  it('starts an empty store with an active key that signs at once and a published next key', async () => {
    const clock = createClock();
    const ring = await createKeyRing({ ...base, store: createMemoryKeyStore(), now: clock.now });
    const [newest, older] = [
      ring.keys().find((k) => k.state === 'next'),
      ring.keys().find((k) => k.state === 'active'),
    ];
    expect(states(ring)).toEqual(['active', 'next']);
    expect(older).toMatchObject({ createdAtMs: clock.now(), activatesAtMs: clock.now(), activatedAtMs: clock.now() });
    expect(newest).toMatchObject({ createdAtMs: clock.now(), activatesAtMs: clock.now() + 15 * MINUTE });
    expect(ring.signingKey().kid).toBe(older?.kid);
    expect(
      ring
        .publicJwks()
        .keys.map((k) => k.kid)
        .sort(),
    ).toEqual(
      ring
        .keys()
        .map((k) => k.kid)
        .sort(),
    );
    expect(ring.signingKey()).toMatchObject({ alg: 'RS256', signatureBytes: 256 });
    expect(ring.signingKey()).not.toHaveProperty('privateKey');
    expectOnlyPublicMembers(ring);
  });

  it('uses the RFC 7638 thumbprint as kid', async () => {
    const { calculateJwkThumbprint } = await import('jose');
    const ring = await createKeyRing({ ...base, store: createMemoryKeyStore() });
    for (const jwk of ring.publicJwks().keys)
      expect(jwk.kid).toBe(await calculateJwkThumbprint({ kty: 'RSA', n: jwk.n, e: jwk.e }));
  });

  it('walks next → active → retired → removed on schedule, publishing only public members in every state', async () => {
    const clock = createClock();
    const ring = await createKeyRing({ ...base, store: createMemoryKeyStore(), now: clock.now });
    const first = ring.signingKey().kid;
    const second = ring.keys().find((k) => k.state === 'next')!.kid;

    clock.advance(DAY - 1);
    await ring.tick();
    expect(ring.signingKey().kid).toBe(first);

    clock.advance(1);
    await ring.tick();
    expect(ring.signingKey().kid).toBe(second);
    expect(ring.keys().find((k) => k.kid === first)).toMatchObject({
      state: 'retired',
      retiredAtMs: clock.now(),
      removeAtMs: clock.now() + HOUR + 5 * MINUTE,
    });
    expect(states(ring)).toEqual(['active', 'next', 'retired']);
    expectOnlyPublicMembers(ring);

    clock.advance(HOUR + 5 * MINUTE - 1);
    await ring.tick();
    expect(ring.publicJwks().keys.map((k) => k.kid)).toContain(first);

    clock.advance(1);
    await ring.tick();
    expect(ring.publicJwks().keys.map((k) => k.kid)).not.toContain(first);
    expect(states(ring)).toEqual(['active', 'next']);
    expectOnlyPublicMembers(ring);
  });

  it('refuses an on-demand rotation before the next key was published long enough, unless forced', async () => {
    const clock = createClock();
    const ring = await createKeyRing({ ...base, store: createMemoryKeyStore(), now: clock.now });
    const first = ring.signingKey().kid;
    clock.advance(15 * MINUTE - 1);
    await expect(ring.rotate()).rejects.toMatchObject({ name: 'IssuerError', code: 'ERR_NEXT_KEY_NOT_READY' });
    expect(ring.signingKey().kid).toBe(first);

    clock.advance(1);
    await ring.rotate();
    expect(ring.signingKey().kid).not.toBe(first);
    expect(ring.keys().find((k) => k.kid === first)?.state).toBe('retired');

    const second = ring.signingKey().kid;
    await ring.rotate({ force: true });
    expect(ring.signingKey().kid).not.toBe(second);
    expect(states(ring)).toEqual(['active', 'next', 'retired', 'retired']);
  });

  it('bumps version and notifies listeners when the published set changes, and only then', async () => {
    const clock = createClock();
    const ring = await createKeyRing({ ...base, store: createMemoryKeyStore(), now: clock.now });
    let calls = 0;
    const off = ring.on('change', () => (calls += 1));
    const before = ring.version;
    await ring.tick();
    expect([ring.version, calls]).toEqual([before, 0]);
    clock.advance(DAY);
    await ring.tick();
    expect(ring.version).toBeGreaterThan(before);
    expect(calls).toBe(1);
    off();
    await ring.rotate({ force: true });
    expect(calls).toBe(1);
  });

  it('reports a throwing change listener to error listeners without failing the change', async () => {
    const ring = await createKeyRing({ ...base, store: createMemoryKeyStore() });
    const errors: unknown[] = [];
    ring.on('error', (error) => errors.push(error));
    ring.on('change', () => {
      throw new Error('listener bug');
    });
    const before = ring.signingKey().kid;
    await ring.rotate({ force: true });
    expect(ring.signingKey().kid).not.toBe(before);
    expect(errors).toEqual([new Error('listener bug')]);
  });

  it('derives the JWKS max-age from the verifiers cache age, below the pre-publication window', async () => {
    const ring = await createKeyRing({ ...base, store: createMemoryKeyStore() });
    expect(ring.jwksCacheMaxAgeSeconds).toBe(600);
    const next = ring.keys().find((k) => k.state === 'next')!;
    expect(ring.jwksCacheMaxAgeSeconds * 1000).toBeLessThan(next.activatesAtMs - next.createdAtMs);
  });

  it('generates 3072-bit keys on request', async () => {
    const ring = await createKeyRing({ ...base, store: createMemoryKeyStore(), modulusLength: 3072 });
    expect(ring.signingKey().signatureBytes).toBe(384);
  });

  it('reload() adopts what another ring wrote to the shared store', async () => {
    const clock = createClock();
    const store = createMemoryKeyStore();
    const a = await createKeyRing({ ...base, store, now: clock.now });
    const b = await createKeyRing({ ...base, store, now: clock.now });
    expect(b.publicJwks()).toEqual(a.publicJwks());
    await a.rotate({ force: true });
    expect(b.signingKey().kid).not.toBe(a.signingKey().kid);
    await b.reload();
    expect(b.signingKey().kid).toBe(a.signingKey().kid);
    expect(b.publicJwks()).toEqual(a.publicJwks());
  });

  it('start() runs scheduled ticks that pick up a rotation made by another ring; stop() ends them', async () => {
    const store = createMemoryKeyStore();
    const a = await createKeyRing({ ...base, store, checkIntervalMs: 10 });
    const b = await createKeyRing({ ...base, store, checkIntervalMs: 10 });
    const changed = new Promise<void>((resolve) => {
      const off = a.on('change', () => {
        off();
        resolve();
      });
    });
    a.start();
    a.start();
    await b.rotate({ force: true });
    await changed;
    await a.stop();
    expect(a.signingKey().kid).toBe(b.signingKey().kid);
  });

  it.each<[string, Partial<KeyRingOptions>, string]>([
    ['store', { store: {} as never }, 'option `store`'],
    ['maxJwksCacheAgeMs', { maxJwksCacheAgeMs: 0 }, 'option `maxJwksCacheAgeMs`'],
    ['maxTokenLifetimeSeconds', { maxTokenLifetimeSeconds: -1 }, 'option `maxTokenLifetimeSeconds`'],
    ['maxTokenLifetimeSeconds', { maxTokenLifetimeSeconds: 1.5 }, 'option `maxTokenLifetimeSeconds`'],
    [
      'maxTokenLifetimeMs (renamed)',
      { maxTokenLifetimeMs: 3_600_000 } as never,
      'option `maxTokenLifetimeMs` was renamed',
    ],
    ['rotationIntervalMs', { rotationIntervalMs: -5 }, 'option `rotationIntervalMs`'],
    ['rotationIntervalMs', { rotationIntervalMs: MINUTE }, 'option `rotationIntervalMs`'],
    ['modulusLength', { modulusLength: 1024 as never }, 'option `modulusLength`'],
    ['safetyMarginMs', { safetyMarginMs: 1000, checkIntervalMs: 2000 }, 'option `safetyMarginMs`'],
    ['now', { now: 5 as never }, 'option `now`'],
    ['freshWaitMs', { freshWaitMs: -1 }, 'option `freshWaitMs`'],
    ['freshWaitMs', { freshWaitMs: Infinity }, 'option `freshWaitMs`'],
  ])('rejects a bad %s with a TypeError naming it', async (_name, bad, message) => {
    await expect(createKeyRing({ ...base, store: createMemoryKeyStore(), ...bad })).rejects.toThrow(message);
    await expect(createKeyRing({ ...base, store: createMemoryKeyStore(), ...bad })).rejects.toBeInstanceOf(TypeError);
  });

  it('rotation with scheduled rotation disabled (0) only happens on demand', async () => {
    const clock = createClock();
    const ring = await createKeyRing({ ...base, rotationIntervalMs: 0, store: createMemoryKeyStore(), now: clock.now });
    const first = ring.signingKey().kid;
    clock.advance(365 * DAY);
    await ring.tick();
    expect(ring.signingKey().kid).toBe(first);
    await ring.rotate();
    expect(ring.signingKey().kid).not.toBe(first);
  });

  it('throws IssuerError instances', async () => {
    const ring = await createKeyRing({ ...base, store: createMemoryKeyStore() });
    await expect(ring.rotate()).rejects.toBeInstanceOf(IssuerError);
  });

  it('removeKey() withdraws a retired key at once, replaces a removed next key, and refuses the active key', async () => {
    const clock = createClock();
    const ring = await createKeyRing({ ...base, store: createMemoryKeyStore(), now: clock.now });
    const compromised = ring.signingKey().kid;
    await ring.rotate({ force: true });
    await ring.removeKey(compromised);
    expect(ring.publicJwks().keys.map((k) => k.kid)).not.toContain(compromised);
    const next = ring.keys().find((k) => k.state === 'next')!.kid;
    await ring.removeKey(next);
    expect(states(ring)).toEqual(['active', 'next']);
    expect(ring.keys().find((k) => k.state === 'next')!.kid).not.toBe(next);
    await expect(ring.removeKey(ring.signingKey().kid)).rejects.toMatchObject({ code: 'ERR_INVALID_KEY' });
    await expect(ring.removeKey('no-such-kid')).rejects.toMatchObject({ code: 'ERR_UNKNOWN_KEY' });
  });

  it.each(BUILT_IN_NAMES)('treats the built-in name %s as a plain, unknown kid', async (name) => {
    const ring = await createKeyRing({ ...base, store: createMemoryKeyStore(), now: createClock().now });
    const before = ring.publicJwks();
    await expect(ring.removeKey(name)).rejects.toMatchObject({ code: 'ERR_UNKNOWN_KEY' });
    expect(ring.publicJwks()).toEqual(before);
    expect(ring.keys().some((key) => key.kid === name)).toBe(false);
  });

  it('works over a store that offers only load() and save()', async () => {
    const inner = createMemoryKeyStore();
    const store: KeyStore = { load: () => inner.load(), save: (set) => inner.save(set) };
    const clock = createClock();
    const ring = await createKeyRing({ ...base, store, now: clock.now });
    expect((await inner.load())?.keys.map((k) => k.kid).sort()).toEqual(
      ring
        .keys()
        .map((k) => k.kid)
        .sort(),
    );
    clock.advance(DAY);
    await ring.tick();
    expect((await inner.load())?.keys.map((k) => k.state).sort()).toEqual(['active', 'next', 'retired']);
  });

  it('reports a failed scheduled tick to error listeners and keeps signing with its keys', async () => {
    const inner = createMemoryKeyStore();
    let broken = false;
    const store: KeyStore = {
      load: () => (broken ? Promise.reject(new Error('disk gone')) : inner.load()),
      save: (set) => inner.save(set),
    };
    const ring = await createKeyRing({ ...base, store, checkIntervalMs: 10 });
    const kid = ring.signingKey().kid;
    broken = true;
    const failure = new Promise<unknown>((resolve) => ring.on('error', resolve));
    ring.start();
    await expect(failure).resolves.toMatchObject({ message: 'disk gone' });
    await ring.stop();
    expect(ring.signingKey().kid).toBe(kid);
  });

  it('stop() resolves only once the store write in flight has finished (a real slow save)', async () => {
    const inner = createMemoryKeyStore();
    let hold = false;
    let saveStarted: () => void = () => undefined;
    const started = new Promise<void>((resolve) => (saveStarted = resolve));
    let releaseSave: () => void = () => undefined;
    let saveFinished = false;
    const slowStore: KeyStore = {
      load: () => inner.load(),
      save: async (set) => {
        if (hold) {
          saveStarted();
          await new Promise<void>((resolve) => (releaseSave = resolve));
        }
        await inner.save(set);
        saveFinished = hold;
      },
    };
    const ring = await createKeyRing({ ...base, store: slowStore });
    hold = true;
    const rotation = ring.rotate({ force: true });
    await started;
    let stopped = false;
    const stop = ring.stop().then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stopped).toBe(false);
    releaseSave();
    await stop;
    expect(saveFinished).toBe(true);
    await rotation;
  });
});
