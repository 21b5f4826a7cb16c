import { randomBytes } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import { createClock, createTestKeyPair, nextEvent, type TestClock, type TestKeyPair } from '@jwks-kit/test-kit';
import {
  createRemoteKeySet,
  type RemoteKeySet,
  type RemoteKeySetOptions,
  type JwksFetchedEvent,
  type JwksStaleEvent,
} from '../src/remote-key-set.js';
import { KeySetError } from '../src/key-set-error.js';
import { startJwksServer, type JwksServer } from './remote-key-set-server.js';

let first: TestKeyPair;
let second: TestKeyPair;
const open: { server?: JwksServer; keySet?: RemoteKeySet }[] = [];

beforeAll(async () => {
  [first, second] = await Promise.all([createTestKeyPair(), createTestKeyPair()]);
});

afterEach(async () => {
  for (const { server, keySet } of open.splice(0)) {
    keySet?.close();
    await server?.close();
  }
});

async function setup(options: Partial<RemoteKeySetOptions> = {}, keys = [first.publicJwk]) {
  const server = await startJwksServer(keys);
  const clock = createClock();
  const keySet = createRemoteKeySet({ jwksUri: server.url, now: clock.now, ...options });
  open.push({ server, keySet });
  return { server, clock, keySet };
}

async function loaded(options: Partial<RemoteKeySetOptions> = {}, keys = [first.publicJwk]) {
  const context = await setup(options, keys);
  await context.keySet.ready();
  return context;
}

function sign(pair: TestKeyPair): Promise<string> {
  return new SignJWT({ sub: 'user-1' })
    .setProtectedHeader({ alg: 'RS256', kid: pair.kid, typ: 'at+jwt' })
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(pair.privateKey);
}

/** Moves the clock and makes one lookup, which starts a background refresh when one is due. */
function lookupAfter(clock: TestClock, keySet: RemoteKeySet, ms: number, kid = first.kid) {
  clock.advance(ms);
  return keySet.getKey(kid);
}

describe('createRemoteKeySet: loading and lookups', () => {
  it('serves the issuer keys by kid, and they verify real tokens', async () => {
    const { keySet, server } = await loaded();
    const key = keySet.getKey(first.kid);
    expect(key).toBeDefined();
    const { payload } = await jwtVerify(await sign(first), key!, { algorithms: ['RS256'] });
    expect(payload.sub).toBe('user-1');
    expect(keySet.getKey(second.kid)).toBeUndefined();
    expect(keySet.kids).toEqual([first.kid]);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.headers.accept).toContain('application/jwk-set+json');
  });

  it('rejects ready() with the KeySetError of a failed first load, and reports it', async () => {
    const server = await startJwksServer([first.publicJwk]);
    server.handle((_req, res) => {
      res.statusCode = 500;
      res.end('down');
    });
    const keySet = createRemoteKeySet({ jwksUri: server.url, now: createClock().now });
    open.push({ server, keySet });
    const failed = nextEvent(keySet, 'fetchFailed');
    await expect(keySet.ready()).rejects.toMatchObject({ name: 'KeySetError', code: 'ERR_JWKS_HTTP_STATUS' });
    const [error] = (await failed) as [KeySetError];
    expect(error).toBeInstanceOf(KeySetError);
    expect(keySet.getKey(first.kid)).toBeUndefined();
  });

  it('shares one fetch among concurrent callers', async () => {
    const { keySet, server, clock } = await loaded();
    clock.advance(60_000);
    const results = await Promise.all([
      ...Array.from({ length: 20 }, () => keySet.refresh()),
      ...Array.from({ length: 20 }, () => keySet.resolveKey(second.kid)),
      keySet.ready(),
    ]);
    expect(results).toHaveLength(41);
    // one fetch for the 20 refreshes and ready(); the 20 misses wait for it, then share one refetch
    expect(server.requests).toHaveLength(3);
  });

  it('imports a key once: the same kid with the same material keeps the same key object', async () => {
    const { keySet, server } = await loaded();
    server.etags = false;
    const before = keySet.getKey(first.kid);
    server.keys = [first.publicJwk, second.publicJwk];
    await keySet.refresh();
    expect(server.requests).toHaveLength(2);
    expect(keySet.getKey(first.kid)).toBe(before);
    expect(keySet.getKey(second.kid)).toBeDefined();
  });
});

describe('createRemoteKeySet: cache age', () => {
  it('honours max-age: no fetch before 80% of it, a background refresh after, lookups never wait', async () => {
    const { keySet, server, clock } = await loaded();
    expect(lookupAfter(clock, keySet, 239_999)).toBeDefined();
    expect(server.requests).toHaveLength(1);
    const fetched = nextEvent(keySet, 'fetched');
    expect(lookupAfter(clock, keySet, 1)).toBeDefined();
    const [event] = (await fetched) as [JwksFetchedEvent];
    expect(server.requests).toHaveLength(2);
    expect(event).toMatchObject({ status: 304, cacheMs: 300_000 });
  });

  it.each<[string, string | undefined, number]>([
    ['max-age below minCacheMs', 'max-age=5', 60_000],
    ['max-age above maxCacheMs', 'public, max-age=86400', 600_000],
    ['no Cache-Control', undefined, 60_000],
    ['no-cache', 'no-cache, max-age=300', 60_000],
    ['max-age less Age', 'max-age=300', 200_000],
  ])('clamps the cache age: %s', async (_name, cacheControl, expectedMs) => {
    const server = await startJwksServer([first.publicJwk]);
    server.cacheControl = cacheControl;
    if (_name === 'max-age less Age') {
      server.handle((_req, res) => {
        res.setHeader('cache-control', 'max-age=300');
        res.setHeader('age', '100');
        res.end(JSON.stringify({ keys: [first.publicJwk] }));
      });
    }
    const keySet = createRemoteKeySet({ jwksUri: server.url, now: createClock().now });
    open.push({ server, keySet });
    const [event] = (await nextEvent(keySet, 'fetched')) as [JwksFetchedEvent];
    expect(event.cacheMs).toBe(expectedMs);
  });

  it('honours custom clamps and refresh ratio', async () => {
    const { keySet, server, clock } = await loaded({ minCacheMs: 10_000, maxCacheMs: 100_000, refreshRatio: 0.5 });
    lookupAfter(clock, keySet, 49_999);
    expect(server.requests).toHaveLength(1);
    const fetched = nextEvent(keySet, 'fetched');
    lookupAfter(clock, keySet, 1);
    await fetched;
    expect(server.requests).toHaveLength(2);
  });

  it('refreshes on its own timer, without lookups (real clock)', async () => {
    const server = await startJwksServer([first.publicJwk]);
    const keySet = createRemoteKeySet({
      jwksUri: server.url,
      minCacheMs: 1_000,
      maxCacheMs: 1_000,
      refreshRatio: 0.05,
    });
    open.push({ server, keySet });
    const events: JwksFetchedEvent[] = [];
    await new Promise<void>((resolve) => {
      keySet.on('fetched', (event) => {
        if (events.push(event) === 2) resolve();
      });
    });
    expect(events.map((event) => event.status)).toEqual([200, 304]);
  });

  it('revalidates with If-None-Match; a 304 keeps the keys and restarts their age', async () => {
    const { keySet, server, clock } = await loaded();
    const etag = server.requests[0]!.headers['if-none-match'];
    expect(etag).toBeUndefined();
    const key = keySet.getKey(first.kid);
    const fetched = nextEvent(keySet, 'fetched');
    lookupAfter(clock, keySet, 250_000);
    const [event] = (await fetched) as [JwksFetchedEvent];
    expect(event.status).toBe(304);
    expect(server.requests[1]!.headers['if-none-match']).toMatch(/^"/);
    expect(keySet.getKey(first.kid)).toBe(key);
    lookupAfter(clock, keySet, 239_999);
    expect(server.requests).toHaveLength(2);
    const again = nextEvent(keySet, 'fetched');
    lookupAfter(clock, keySet, 1);
    await again;
    expect(server.requests).toHaveLength(3);
  });

  it('picks up a changed set on revalidation (new ETag → 200)', async () => {
    const { keySet, server } = await loaded();
    server.keys = [first.publicJwk, second.publicJwk];
    await keySet.refresh();
    expect(server.requests[1]!.headers['if-none-match']).toBeDefined();
    expect(keySet.kids.sort()).toEqual([first.kid, second.kid].sort());
  });

  it('stops refreshing after close()', async () => {
    const { keySet, server, clock } = await loaded();
    keySet.close();
    expect(lookupAfter(clock, keySet, 299_000)).toBeDefined();
    expect(await keySet.resolveKey(second.kid)).toBeUndefined();
    expect(server.requests).toHaveLength(1);
    await expect(keySet.refresh()).rejects.toThrow(TypeError);
  });
});

describe('createRemoteKeySet: unknown kids', () => {
  it('refetches for a new kid at once, then at most once per cooldown, and finds rotated-in keys', async () => {
    const third = await createTestKeyPair();
    const { keySet, server, clock } = await loaded();
    server.keys = [first.publicJwk, second.publicJwk];
    const key = await keySet.resolveKey(second.kid);
    expect(key).toBeDefined();
    await jwtVerify(await sign(second), key!, { algorithms: ['RS256'] });
    expect(server.requests).toHaveLength(2);
    // Within the cooldown of that refetch, the next new kid is refused without a fetch.
    server.keys = [first.publicJwk, second.publicJwk, third.publicJwk];
    const unknown = nextEvent(keySet, 'unknownKid');
    clock.advance(29_999);
    expect(await keySet.resolveKey(third.kid)).toBeUndefined();
    expect(await unknown).toEqual([third.kid, { refetched: false }]);
    expect(server.requests).toHaveLength(2);
    clock.advance(1);
    expect(await keySet.resolveKey(third.kid)).toBeDefined();
    expect(server.requests).toHaveLength(3);
    expect(await keySet.resolveKey(first.kid)).toBe(keySet.getKey(first.kid));
  });

  it('a background refresh does not start the cooldown: a kid published just after it is fetched at once', async () => {
    // A forced rotation signs with a key that verifiers' last refresh may have missed by a few ms.
    const { keySet, server, clock } = await loaded({ minCacheMs: 10_000, maxCacheMs: 10_000 });
    const refreshed = nextEvent(keySet, 'fetched');
    lookupAfter(clock, keySet, 8_000);
    await refreshed;
    expect(server.requests).toHaveLength(2);
    server.keys = [first.publicJwk, second.publicJwk];
    clock.advance(1);
    expect(await keySet.resolveKey(second.kid)).toBeDefined();
    expect(server.requests).toHaveLength(3);
  });

  it('a kid published just after a background refresh is fetched at once, with the default cooldown (real clock)', async () => {
    const server = await startJwksServer([first.publicJwk]);
    const keySet = createRemoteKeySet({ jwksUri: server.url, minCacheMs: 1_000, maxCacheMs: 1_000, refreshRatio: 0.2 });
    open.push({ server, keySet });
    await keySet.ready();
    await nextEvent(keySet, 'fetched'); // the background refresh, about 200 ms later
    expect(server.requests).toHaveLength(2);
    server.keys = [first.publicJwk, second.publicJwk];
    const key = await keySet.resolveKey(second.kid);
    expect(key).toBeDefined();
    await jwtVerify(await sign(second), key!, { algorithms: ['RS256'] });
    expect(server.requests).toHaveLength(3);
  });

  it('a kid published while a background refresh is in flight is fetched again once that refresh answers without it', async () => {
    const { keySet, server, clock } = await loaded({ minCacheMs: 10_000, maxCacheMs: 10_000 });
    let answer: (() => void) | undefined;
    // The refresh reaches the issuer before the new key exists and is answered with the old set afterwards.
    server.handle((_req, res) => {
      const body = JSON.stringify({ keys: [first.publicJwk] });
      answer = () => res.end(body);
    });
    lookupAfter(clock, keySet, 8_000);
    while (server.requests.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    server.handle(undefined);
    server.keys = [first.publicJwk, second.publicJwk];
    const resolving = keySet.resolveKey(second.kid);
    answer!();
    expect(await resolving).toBeDefined();
    expect(server.requests).toHaveLength(3);
  });

  it('a flood of 1,000 random kids costs at most one fetch per cooldown', async () => {
    const { keySet, server, clock } = await loaded();
    const misses: boolean[] = [];
    keySet.on('unknownKid', (_kid, { refetched }) => misses.push(refetched));
    const flood = () =>
      Promise.all(Array.from({ length: 1_000 }, () => keySet.resolveKey(randomBytes(16).toString('base64url'))));
    expect((await flood()).every((key) => key === undefined)).toBe(true);
    expect(server.requests).toHaveLength(2);
    clock.advance(29_999);
    await flood();
    expect(server.requests).toHaveLength(2);
    clock.advance(1);
    await flood();
    expect(server.requests).toHaveLength(3);
    expect(misses).toHaveLength(3_000);
    expect(misses.filter(Boolean)).toHaveLength(2);
    expect(keySet.getKey(first.kid)).toBeDefined();
  });

  it('answers a miss during the cooldown at once, even while the issuer hangs', async () => {
    const { keySet, server } = await loaded();
    expect(await keySet.resolveKey('unknown-1')).toBeUndefined();
    server.handle(() => undefined);
    await expect(keySet.resolveKey('unknown-2')).resolves.toBeUndefined();
    expect(server.requests).toHaveLength(2);
  });

  it('never refetches for an empty or over-long kid', async () => {
    const { keySet, server, clock } = await loaded();
    clock.advance(60_000);
    expect(await keySet.resolveKey('')).toBeUndefined();
    expect(await keySet.resolveKey('k'.repeat(10_000))).toBeUndefined();
    expect(server.requests).toHaveLength(1);
  });
});

describe('createRemoteKeySet: key removal', () => {
  it('emits keyRemoved when a kid leaves the set, and listeners can unsubscribe', async () => {
    const { keySet, server } = await loaded({}, [first.publicJwk, second.publicJwk]);
    const removed: string[] = [];
    const unsubscribe = keySet.on('keyRemoved', (kid) => removed.push(kid));
    server.keys = [second.publicJwk];
    await keySet.refresh();
    expect(removed).toEqual([first.kid]);
    expect(keySet.getKey(first.kid)).toBeUndefined();
    unsubscribe();
    server.keys = [first.publicJwk];
    await keySet.refresh();
    expect(removed).toEqual([first.kid]);
    expect(keySet.kids).toEqual([first.kid]);
  });

  it('treats new material under a known kid as a removal and imports the new key', async () => {
    const { keySet, server } = await loaded();
    const before = keySet.getKey(first.kid);
    const removed: string[] = [];
    keySet.on('keyRemoved', (kid) => removed.push(kid));
    server.keys = [{ ...second.publicJwk, kid: first.kid }];
    await keySet.refresh();
    expect(removed).toEqual([first.kid]);
    const after = keySet.getKey(first.kid);
    expect(after).not.toBe(before);
    await expect(jwtVerify(await sign(first), after!)).rejects.toThrow();
  });
});

describe('createRemoteKeySet: issuer outage', () => {
  const outages: [string, (server: JwksServer) => void, Partial<RemoteKeySetOptions>, string][] = [
    [
      'answers 500',
      (s) =>
        s.handle((_q, r) => {
          r.statusCode = 500;
          r.end();
        }),
      {},
      'ERR_JWKS_HTTP_STATUS',
    ],
    ['answers garbage', (s) => s.handle((_q, r) => r.end('<html>oops</html>')), {}, 'ERR_JWKS_INVALID'],
    ['hangs', (s) => s.handle(() => undefined), { timeoutMs: 100 }, 'ERR_JWKS_TIMEOUT'],
    ['is gone', (s) => s.handle((q) => q.socket.destroy()), {}, 'ERR_JWKS_NETWORK'],
  ];

  it.each(outages)(
    'serves the last good keys until maxStaleMs when the issuer %s, then none',
    async (_name, breakServer, options, code) => {
      const { keySet, server, clock } = await loaded({ maxStaleMs: 3_600_000, ...options });
      const loadedAtMs = clock.now();
      const key = keySet.getKey(first.kid);
      breakServer(server);
      const failed = nextEvent(keySet, 'fetchFailed');
      expect(lookupAfter(clock, keySet, 300_000)).toBe(key);
      const [error] = (await failed) as [KeySetError];
      expect(error.code).toBe(code);
      expect(lookupAfter(clock, keySet, 3_599_999)).toBe(key);
      const stale = nextEvent(keySet, 'stale');
      const removed: string[] = [];
      keySet.on('keyRemoved', (kid) => removed.push(kid));
      expect(lookupAfter(clock, keySet, 1)).toBeUndefined();
      const [event] = (await stale) as [JwksStaleEvent];
      expect(event.error).toMatchObject({ code: 'ERR_JWKS_STALE', cause: error });
      expect(event.lastSuccessAtMs).toBe(loadedAtMs);
      expect(removed).toEqual([first.kid]);
      expect(await keySet.resolveKey(first.kid)).toBeUndefined();

      server.handle(undefined);
      await keySet.refresh();
      expect(keySet.getKey(first.kid)).toBe(key);
    },
  );

  it('backs off between failed attempts with a jittered wait never above the doubling cap (backoffMaxMs)', async () => {
    const { keySet, server, clock } = await loaded({ backoffInitialMs: 1_000, backoffMaxMs: 3_000 });
    server.handle((_q, r) => {
      r.statusCode = 503;
      r.end();
    });
    const attempt = async (advanceMs: number, expected: number) => {
      const failed = expected > server.requests.length ? nextEvent(keySet, 'fetchFailed') : undefined;
      lookupAfter(clock, keySet, advanceMs);
      await failed;
      expect(server.requests).toHaveLength(expected);
    };
    // Whatever the jitter drew, a lookup once the cap (1 s, 2 s, 3 s, 3 s) has passed fetches again.
    await attempt(240_000, 2);
    await attempt(1_000, 3);
    await attempt(2_000, 4);
    await attempt(3_000, 5);
    await attempt(3_000, 6);
  });

  it('keeps the previous keys when a refresh brings a refused set', async () => {
    const { keySet, server } = await loaded();
    server.keys = [first.privateJwk];
    await expect(keySet.refresh()).rejects.toMatchObject({ code: 'ERR_JWKS_PRIVATE_KEY' });
    expect(keySet.getKey(first.kid)).toBeDefined();
  });
});

describe('createRemoteKeySet: options', () => {
  const url = 'https://issuer.example/jwks.json';
  it.each<[string, Record<string, unknown>]>([
    ['jwksUri', { jwksUri: 'not a url' }],
    ['jwksUri', { jwksUri: 42 }],
    ['jwksUri', { jwksUri: 'http://issuer.example/jwks.json' }],
    ['jwksUri', { jwksUri: 'ftp://127.0.0.1/jwks.json' }],
    ['jwksUri', { jwksUri: 'https://user:pass@issuer.example/jwks.json' }],
    ['algorithms', { jwksUri: url, algorithms: [] }],
    ['algorithms', { jwksUri: url, algorithms: ['HS256'] }],
    ['algorithms', { jwksUri: url, algorithms: ['none'] }],
    ['minCacheMs', { jwksUri: url, minCacheMs: -1 }],
    ['minCacheMs', { jwksUri: url, minCacheMs: 700_000 }],
    ['minCacheMs', { jwksUri: url, minCacheMs: 0 }],
    ['maxCacheMs', { jwksUri: url, maxCacheMs: 1.5 }],
    ['refreshRatio', { jwksUri: url, refreshRatio: 0 }],
    ['cooldownMs', { jwksUri: url, cooldownMs: '30s' }],
    ['maxStaleMs', { jwksUri: url, maxStaleMs: Number.NaN }],
    ['timeoutMs', { jwksUri: url, timeoutMs: 0 }],
    ['maxResponseBytes', { jwksUri: url, maxResponseBytes: 10 }],
    ['maxKeys', { jwksUri: url, maxKeys: 0 }],
    ['allowInsecureHttp', { jwksUri: url, allowInsecureHttp: 'yes' }],
    ['backoffInitialMs', { jwksUri: url, backoffInitialMs: 120_000 }],
    ['now', { jwksUri: url, now: 5 }],
  ])('throws a TypeError naming `%s`', (name, options) => {
    expect(() => createRemoteKeySet(options as unknown as RemoteKeySetOptions)).toThrow(new RegExp(`\`${name}\``));
    expect(() => createRemoteKeySet(options as unknown as RemoteKeySetOptions)).toThrow(TypeError);
  });

  it('accepts http on loopback hosts, and elsewhere only with allowInsecureHttp', () => {
    for (const jwksUri of ['http://localhost:1/jwks', 'http://[::1]:1/jwks', 'http://example.test/jwks']) {
      const keySet = createRemoteKeySet({ jwksUri, allowInsecureHttp: true, timeoutMs: 1 });
      keySet.close();
      expect(keySet.jwksUri.href).toBe(jwksUri);
    }
    const keySet = createRemoteKeySet({ jwksUri: new URL('http://127.0.0.1:1/jwks'), timeoutMs: 1 });
    keySet.close();
    expect(keySet.jwksUri.hostname).toBe('127.0.0.1');
  });
});
