import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { chmod, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { createClock, ISSUER_01_KEY_TIMES, readIssuer01Record } from '@jwks-kit/test-kit';
import { createFileKeyStore, createKeyRing, type KeyStore, type StoredKeySet } from '../src/index.js';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const ringOptions = { maxJwksCacheAgeMs: 600_000, maxTokenLifetimeSeconds: 3600 };

describe('createFileKeyStore', () => {
  let dir: string;
  let path: string;
  let sample: StoredKeySet;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jwks-kit-keys-'));
    path = join(dir, 'seed.json');
    await createKeyRing({ ...ringOptions, store: createFileKeyStore({ path }) });
    sample = (await createFileKeyStore({ path }).load())!;
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const fresh = (name: string) => join(dir, name);

  it('answers undefined when no file exists yet', async () => {
    await expect(createFileKeyStore({ path: fresh('missing.json') }).load()).resolves.toBeUndefined();
  });

  it('writes a JWK Set with private keys and life-cycle times, mode 0600, and reads it back', async () => {
    const file = fresh('roundtrip.json');
    const store = createFileKeyStore({ path: file });
    await store.save(sample);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const parsed = JSON.parse(await readFile(file, 'utf8')) as StoredKeySet;
    expect(parsed.keys).toHaveLength(2);
    for (const key of parsed.keys) {
      expect(key).toMatchObject({
        kty: 'RSA',
        alg: 'RS256',
        use: 'sig',
        kid: expect.any(String),
        d: expect.any(String),
        createdAtMs: expect.any(Number),
      });
    }
    await expect(store.load()).resolves.toEqual(sample);
  });

  it('a key ring over a new file creates it with mode 0600', async () => {
    const file = fresh('ring.json');
    await createKeyRing({ ...ringOptions, store: createFileKeyStore({ path: file }) });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('replaces the file atomically: a new inode via rename, no temporary file left behind', async () => {
    const file = fresh('atomic.json');
    const store = createFileKeyStore({ path: file });
    await store.save(sample);
    const before = await stat(file);
    await store.save({ keys: sample.keys.slice(0, 1) });
    const after = await stat(file);
    expect(after.ino).not.toBe(before.ino);
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp') || name.endsWith('.lock'))).toEqual([]);
  });

  it('readers never see a torn file while writers replace it', async () => {
    const file = fresh('torn.json');
    const writer = createFileKeyStore({ path: file });
    const reader = createFileKeyStore({ path: file });
    await writer.save(sample);
    const writes = (async () => {
      for (let i = 0; i < 30; i++) await writer.save({ keys: sample.keys.slice(0, 1 + (i % 2)) });
    })();
    const reads = (async () => {
      for (let i = 0; i < 60; i++) expect((await reader.load())?.keys.length).toBeGreaterThan(0);
    })();
    await Promise.all([writes, reads]);
  });

  it.each([0o644, 0o640, 0o604])('refuses a file with mode %o and leaves it untouched', async (mode) => {
    const file = fresh(`mode-${mode.toString(8)}.json`);
    await createFileKeyStore({ path: file }).save(sample);
    await chmod(file, mode);
    const content = await readFile(file, 'utf8');
    const store = createFileKeyStore({ path: file });
    const error = await store.load().catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'IssuerError', code: 'ERR_KEY_FILE_PERMISSIONS' });
    expect((error as Error).message).toContain(`chmod 600 ${file}`);
    await expect(createKeyRing({ ...ringOptions, store })).rejects.toMatchObject({ code: 'ERR_KEY_FILE_PERMISSIONS' });
    await expect(store.save(sample)).rejects.toMatchObject({ code: 'ERR_KEY_FILE_PERMISSIONS' });
    expect(await readFile(file, 'utf8')).toBe(content);
    expect((await stat(file)).mode & 0o777).toBe(mode);
  });

  it.each([
    ['truncated JSON', (text: string) => text.slice(0, text.length / 2)],
    ['not a key set', () => '{"hello": 1}'],
    // change the kid's first character to another one (a fixed 'Z' was a no-op for a kid starting with Z, 1 in 64)
    [
      'a kid that is not the thumbprint',
      (text: string) => text.replace(/"kid": "(.)/, (_m, first: string) => `"kid": "${first === 'Z' ? 'Y' : 'Z'}`),
    ],
    ['an unknown state', (text: string) => text.replace('"state": "next"', '"state": "soon"')],
    ['a missing private member', (text: string) => text.replace(/"qi": "[^"]+",/g, '')],
    ['two active keys', (text: string) => text.replace('"state": "next"', '"state": "active"')],
    ['a key without createdAtMs (nor the 0.1 createdAt)', (text: string) => text.replace(/"createdAtMs": \d+,/, '')],
    ['a time that is not a number', (text: string) => text.replace(/"activatesAtMs": (\d+)/, '"activatesAtMs": "$1"')],
    [
      'a 0.1 time that is not a number',
      (text: string) => text.replace(/"activatesAtMs": (\d+)/, '"activatesAt": "$1"'),
    ],
  ])('refuses a corrupt file (%s) with ERR_KEY_FILE_CORRUPT and never overwrites it', async (_what, corrupt) => {
    const file = fresh(`corrupt-${Math.random().toString(36).slice(2)}.json`);
    await createFileKeyStore({ path: file }).save(sample);
    const content = corrupt(await readFile(file, 'utf8'));
    await writeFile(file, content, { mode: 0o600 });
    const store = createFileKeyStore({ path: file });
    await expect(store.load()).rejects.toMatchObject({ name: 'IssuerError', code: 'ERR_KEY_FILE_CORRUPT' });
    await expect(createKeyRing({ ...ringOptions, store })).rejects.toMatchObject({ code: 'ERR_KEY_FILE_CORRUPT' });
    await expect(store.save(sample)).rejects.toMatchObject({ code: 'ERR_KEY_FILE_CORRUPT' });
    expect(await readFile(file, 'utf8')).toBe(content);
  });

  it('waits for a lock file of an older version, gives up with ERR_KEY_FILE_LOCKED, and takes it over once stale', async () => {
    const file = fresh('locked.json');
    await writeFile(`${file}.lock`, '12345');
    const impatient = createFileKeyStore({ path: file, lockWaitMs: 50 });
    await expect(impatient.save(sample)).rejects.toMatchObject({ name: 'IssuerError', code: 'ERR_KEY_FILE_LOCKED' });
    const old = new Date(Date.now() - 60_000);
    await utimes(`${file}.lock`, old, old);
    await impatient.save(sample);
    await expect(impatient.load()).resolves.toEqual(sample);
  });

  it('two key rings created at once over one new file agree on every key', async () => {
    const file = fresh('race.json');
    const stores: KeyStore[] = [createFileKeyStore({ path: file }), createFileKeyStore({ path: file })];
    const [a, b] = await Promise.all(stores.map((store) => createKeyRing({ ...ringOptions, store })));
    expect(b!.publicJwks()).toEqual(a!.publicJwks());
    expect(b!.signingKey().kid).toBe(a!.signingKey().kid);
  });

  it('two rings whose schedulers fire at the same instant rotate once, to the same key', async () => {
    const file = fresh('scheduled.json');
    const clock = createClock();
    const options = { ...ringOptions, rotationIntervalMs: 86_400_000, now: clock.now };
    const a = await createKeyRing({ ...options, store: createFileKeyStore({ path: file }) });
    const b = await createKeyRing({ ...options, store: createFileKeyStore({ path: file }) });
    const next = a.keys().find((k) => k.state === 'next')!.kid;
    clock.advance(86_400_000);
    await Promise.all([a.tick(), b.tick()]);
    expect(a.signingKey().kid).toBe(next);
    expect(b.signingKey().kid).toBe(next);
    expect(b.publicJwks()).toEqual(a.publicJwks());
    expect(
      a
        .keys()
        .map((k) => k.state)
        .sort(),
    ).toEqual(['active', 'next', 'retired']);
  });

  it('rejects a missing path with a TypeError naming it', () => {
    expect(() => createFileKeyStore({ path: '' })).toThrow('option `path`');
    expect(() => createFileKeyStore({ path: 'x', lockWaitMs: -1 })).toThrow('option `lockWaitMs`');
  });

  describe('two issuer processes sharing one key file', () => {
    const spawnIssuer = async (file: string, command?: string) => {
      const args = ['--import', 'tsx', join(here, 'fixtures/issuer-process.ts'), file, ...(command ? [command] : [])];
      const { stdout } = await run(process.execPath, args, { cwd: join(here, '..') });
      return JSON.parse(stdout) as { kid: string; jwks: { keys: never[] }; token: string };
    };

    it('sign with the same active key and publish the same JWKS, before and after a rotation', async () => {
      const file = fresh('shared.json');
      const [a, b] = await Promise.all([spawnIssuer(file), spawnIssuer(file)]);
      expect(b.kid).toBe(a.kid);
      expect(b.jwks).toEqual(a.jwks);
      const jwksOfB = createLocalJWKSet(b.jwks);
      await jwtVerify(a.token, jwksOfB, { issuer: 'https://auth.example.com', audience: 'orders', typ: 'at+jwt' });

      const rotated = await spawnIssuer(file, 'rotate');
      expect(rotated.kid).not.toBe(a.kid);
      const later = await spawnIssuer(file);
      expect(later.kid).toBe(rotated.kid);
      expect(later.jwks).toEqual(rotated.jwks);
      for (const token of [a.token, b.token, rotated.token]) await jwtVerify(token, createLocalJWKSet(later.jwks));
      expect((await stat(file)).mode & 0o777).toBe(0o600);
    });

    it('a running issuer picks up a rotation made by another process on reload()', async () => {
      const file = fresh('running.json');
      const ring = await createKeyRing({ ...ringOptions, store: createFileKeyStore({ path: file }) });
      const rotated = await spawnIssuer(file, 'rotate');
      expect(ring.signingKey().kid).not.toBe(rotated.kid);
      await ring.reload();
      expect(ring.signingKey().kid).toBe(rotated.kid);
      expect(JSON.parse(JSON.stringify(ring.publicJwks()))).toEqual(rotated.jwks);
    });
  });

  describe('processes racing for a stale lock', () => {
    const racer = join(here, 'fixtures/lock-racer.ts');
    const STALE_MS = 1_000;
    const CONTENDERS = 6;
    const ROUNDS = 5;
    const startRacer = (file: string, ...args: string[]) =>
      spawn(process.execPath, ['--import', 'tsx', racer, file, ...args], { cwd: join(here, '..') });
    const lines = (child: ChildProcessWithoutNullStreams) =>
      createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    let contenders: ChildProcessWithoutNullStreams[] = [];
    afterEach(() => {
      for (const child of contenders) child.kill();
      contenders = [];
    });

    it(`exactly one of ${CONTENDERS} processes takes over a crashed writer's lock, ${ROUNDS} rounds in a row`, async () => {
      const file = fresh('stale-race.json');
      contenders = Array.from({ length: CONTENDERS }, () => startRacer(file, 'race', String(STALE_MS), '1500'));
      const outputs = contenders.map(lines);
      for (const output of outputs) expect((await output.next()).value).toBe('ready');
      const rounds: string[][] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const crashed = startRacer(file, 'crash', String(STALE_MS));
        const [code, signal] = (await once(crashed, 'exit')) as [number | null, string | null];
        expect({ code, signal }).toEqual({ code: null, signal: 'SIGKILL' });
        await delay(STALE_MS + 300); // real time: the dead writer's lock grows stale
        for (const child of contenders) child.stdin.write('go\n');
        const results = await Promise.all(outputs.map(async (output) => (await output.next()).value as string));
        rounds.push(results.sort());
      }
      const expected = ['won', ...Array<string>(CONTENDERS - 1).fill('ERR_KEY_FILE_LOCKED')].sort();
      expect(rounds).toEqual(Array(ROUNDS).fill(expected));
    }, 120_000);
  });
});

describe('a key file written by 0.1 (createdAt, activatesAt, activatedAt, retiredAt, removeAt)', () => {
  // Written by 0.1's own createFileKeyStore: a ring created at 1780000000000 and rotated 15 minutes later
  // (a retired, an active and a next key).
  let dir: string;
  let old: { keys: Record<string, unknown>[] };
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jwks-kit-keys-0.1-'));
    old = JSON.parse(await readIssuer01Record('key-file'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const copy = async (edit: (text: string) => string = (text) => text) => {
    const file = join(dir, `${Math.random().toString(36).slice(2)}.json`);
    await writeFile(file, edit(await readIssuer01Record('key-file')), { mode: 0o600 });
    return file;
  };
  const expectCurrentNames = (keys: readonly object[]) => {
    for (const key of keys) for (const [previous] of ISSUER_01_KEY_TIMES) expect(key).not.toHaveProperty(previous);
  };

  it('loads: every time under its …AtMs name, the same instant', async () => {
    const loaded = (await createFileKeyStore({ path: await copy() }).load())!;
    expect(loaded.keys.map((key) => key.state)).toEqual(['retired', 'active', 'next']);
    expectCurrentNames(loaded.keys);
    for (const [index, key] of loaded.keys.entries()) {
      for (const [previous, current] of ISSUER_01_KEY_TIMES) expect(key[current]).toBe(old.keys[index]![previous]);
    }
  });

  it('is rewritten under the …AtMs names only on the next write (a rotation of a key ring over it)', async () => {
    const file = await copy();
    const ring = await createKeyRing({
      ...ringOptions,
      store: createFileKeyStore({ path: file }),
      now: createClock(1_780_001_800_000).now,
    });
    const next = ring.keys().find((key) => key.state === 'next')!;
    expect(next.activatesAtMs).toBe(old.keys[2]!.activatesAt);
    await ring.rotate();
    const written = JSON.parse(await readFile(file, 'utf8')) as { keys: Record<string, unknown>[] };
    expectCurrentNames(written.keys);
    const byKid = new Map(written.keys.map((key) => [key.kid, key]));
    expect(byKid.get(old.keys[0]!.kid)).toMatchObject({ state: 'retired', removeAtMs: old.keys[0]!.removeAt });
    expect(byKid.get(old.keys[1]!.kid)).toMatchObject({
      state: 'retired',
      createdAtMs: old.keys[1]!.createdAt,
      activatedAtMs: old.keys[1]!.activatedAt,
      retiredAtMs: 1_780_001_800_000,
    });
    expect(byKid.get(next.kid)).toMatchObject({ state: 'active', activatedAtMs: 1_780_001_800_000 });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it.each([
    ['a key with neither createdAt nor createdAtMs', (text: string) => text.replace(/"createdAt": \d+,/, '')],
    ['a createdAt that is not a number', (text: string) => text.replace(/"createdAt": (\d+)/, '"createdAt": "$1"')],
    ['a retired key without removeAt', (text: string) => text.replace(/,\s*"removeAt": \d+/, '')],
  ])('refuses %s with ERR_KEY_FILE_CORRUPT and never overwrites it', async (_what, corrupt) => {
    const file = await copy(corrupt);
    const content = await readFile(file, 'utf8');
    const store = createFileKeyStore({ path: file });
    await expect(store.load()).rejects.toMatchObject({ name: 'IssuerError', code: 'ERR_KEY_FILE_CORRUPT' });
    await expect(createKeyRing({ ...ringOptions, store })).rejects.toMatchObject({ code: 'ERR_KEY_FILE_CORRUPT' });
    expect(await readFile(file, 'utf8')).toBe(content);
  });
});
