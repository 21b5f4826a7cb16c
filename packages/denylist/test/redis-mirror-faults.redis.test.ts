import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createClock, startRedis, type TestRedis } from '@jwks-kit/test-kit';
import { DenylistError } from '../src/index.js';
import { createRedisDenylist, type DenylistEvent, type RedisDenylist } from '../src/redis.js';
import { collectEvents } from './fixtures/collect-events.js';

const ISSUER = 'https://auth.example.test';

async function eventually(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<number> {
  const started = performance.now();
  while (!condition()) {
    if (performance.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return performance.now() - started;
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('Redis denylist when Redis goes away', () => {
  let redis: TestRedis;
  const clients: Redis[] = [];
  const denylists: RedisDenylist[] = [];
  const newClient = () => {
    // what the store requires of a client: commands fail at once while disconnected
    const client = new Redis(redis.url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => 50,
    });
    client.on('error', () => undefined);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    redis = await startRedis({ forceSpawn: true });
  });
  afterAll(async () => {
    await Promise.all(denylists.map((d) => d.close()));
    for (const client of clients) client.disconnect();
    await redis.stop();
  });

  it('fails closed past maxStalenessMs, rejects writes during the outage, and recovers after restart with nothing lost', async () => {
    const clock = createClock(Date.now());
    const keyPrefix = `test:${randomUUID()}:`;
    const events: DenylistEvent[] = [];
    const options = { issuer: ISSUER, keyPrefix, now: clock.now, maxStalenessMs: 1000 };
    const logged: string[] = [];
    const at = (level: string) => (_fields: object, message: string) => void logged.push(`${level} ${message}`);
    const logger = { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
    const mirror = createRedisDenylist(newClient(), { ...options, logger });
    collectEvents(mirror, events);
    const failOpen = createRedisDenylist(newClient(), { ...options, failOpen: true });
    const lookup = createRedisDenylist(newClient(), { ...options, mode: 'lookup' });
    denylists.push(mirror, failOpen, lookup);
    await Promise.all([mirror.ready(), failOpen.ready()]);
    expect(mirror.health()).toMatchObject({ state: 'ok', mode: 'mirror', connection: 'ready', unsureForMs: undefined });
    expect(lookup.health()).toMatchObject({ state: 'ok', mode: 'lookup', connection: 'ready' });

    const nowS = clock.nowSeconds();
    await mirror.revoke('before-outage', nowS + 300);
    await mirror.revokeSubject('user-before', nowS);
    const revokedToken = { jti: 'before-outage', sub: 'user-1', iat: nowS - 1, iss: ISSUER };
    const subjectToken = { jti: 'other', sub: 'user-before', iat: nowS - 1, iss: ISSUER };
    const freshToken = { jti: 'fresh', sub: 'user-2', iat: nowS, iss: ISSUER };
    await eventually(() => failOpen.check(revokedToken) === true, 'the fail-open mirror to receive the revocation');

    await redis.stop();
    await eventually(
      () => mirror.stats().unsureSinceMs !== undefined && failOpen.stats().unsureSinceMs !== undefined,
      'both mirrors to notice the outage (each through its own stream readers)',
    );
    expect(events).toContainEqual({ type: 'disconnected' });

    // within the bound: answers from the mirror, health says stale (still ready)
    expect(mirror.health()).toMatchObject({ state: 'stale', maxStalenessMs: 1000 });
    expect(mirror.health().connection).not.toBe('ready');
    expect(mirror.check(revokedToken)).toBe(true);
    expect(mirror.check(freshToken)).toBe(false);

    // past the bound: fails closed with a Retry-After hint
    clock.advance(1001);
    const error = thrown(() => mirror.check(freshToken));
    for (let i = 0; i < 5; i++) expect(thrown(() => mirror.check(freshToken))).toBeInstanceOf(DenylistError);
    expect(error).toBeInstanceOf(DenylistError);
    expect(error).toMatchObject({ code: 'ERR_DENYLIST_UNAVAILABLE', retryAfterSeconds: 1 });
    expect(mirror.health().state).toBe('failing');
    expect(mirror.health().unsureForMs).toBeGreaterThan(1000);
    expect(failOpen.health().state).toBe('stale');
    // fail-open answers from what it knew
    expect(failOpen.check(revokedToken)).toBe(true);
    expect(failOpen.check(freshToken)).toBe(false);
    // lookup mode cannot answer
    await expect(lookup.check(freshToken)).rejects.toMatchObject({
      code: 'ERR_DENYLIST_UNAVAILABLE',
      retryAfterSeconds: 1,
    });
    expect(lookup.health()).toMatchObject({ state: 'failing', lastError: { code: 'ERR_DENYLIST_UNAVAILABLE' } });
    // a revocation during the outage rejects loudly
    await expect(mirror.revoke('during-outage', nowS + 300)).rejects.toMatchObject({ code: 'ERR_REVOCATION_FAILED' });
    await expect(mirror.revokeSubject('user-during')).rejects.toMatchObject({ code: 'ERR_REVOCATION_FAILED' });

    // the restarted Redis has no persistence: it comes back empty
    await redis.restart();
    // The mirror notices that Redis lost its stream in one of two ways, whichever comes first: its reader's check
    // after the reconnect finds the stream gone (`reconnect`), or the other mirror has already written back, so
    // the stream exists again and the reader finds its entry counter restarted (`reset`). Either way it writes
    // back what it knew and loads again; until the reader has read that far it may briefly report itself current,
    // answering from everything it knew, so the wait is for the resync, not for the first moment of currency.
    const resyncedAfterLoss = () =>
      events.some((event) => event.type === 'synced' && (event.reason === 'reconnect' || event.reason === 'reset'));
    const recoveryMs = await eventually(
      () => resyncedAfterLoss() && mirror.stats().unsureSinceMs === undefined,
      'the mirror to resync after the restart',
    );
    console.log(`mirror current again ${recoveryMs.toFixed(0)} ms after redis-server answered PING`);
    expect(mirror.health()).toMatchObject({ state: 'ok', connection: 'ready', lastError: undefined });
    expect(mirror.check(revokedToken)).toBe(true);
    expect(mirror.check(subjectToken)).toBe(true);
    expect(mirror.check(freshToken)).toBe(false);
    expect(events).toContainEqual({ type: 'current', unsureForMs: expect.any(Number) });
    // logged once per state change, not per refused check: unsure / current again alternate (ending current),
    // and the six refused checks gave one fail-closed line, then one "answers again"
    const unsure = /^warn denylist mirror (disconnected|failing): unsure of being current$/;
    const states = logged.filter((line) => unsure.test(line) || line === 'info denylist mirror current again');
    expect(states.length).toBeGreaterThanOrEqual(2);
    states.forEach((line, i) => expect(unsure.test(line)).toBe(i % 2 === 0));
    expect(states.at(-1)).toBe('info denylist mirror current again');
    expect(logged.filter((line) => !states.includes(line))).toEqual([
      'error denylist cannot answer: checks fail closed (503 denylist_unavailable)',
      'info denylist answers again',
    ]);

    // the mirrors wrote back what Redis lost, so lookups (and new mirrors) see it again
    expect(mirror.stats().restored + failOpen.stats().restored).toBeGreaterThanOrEqual(2);
    expect(await lookup.check(revokedToken)).toBe(true);
    expect(await lookup.check(subjectToken)).toBe(true);
    expect(lookup.health().state).toBe('ok');
    const newcomer = createRedisDenylist(newClient(), options);
    denylists.push(newcomer);
    await newcomer.ready();
    expect(newcomer.check(revokedToken)).toBe(true);
    expect(newcomer.check(subjectToken)).toBe(true);

    // writes work again
    await mirror.revoke('after-outage', nowS + 300);
    expect(await lookup.check({ ...freshToken, jti: 'after-outage' })).toBe(true);
  });

  it('lookup mode is healthy again after Redis returns from readiness probes alone, with no check to clear the failure (real time)', async () => {
    const lookup = createRedisDenylist(newClient(), {
      issuer: ISSUER,
      keyPrefix: `test:${randomUUID()}:`,
      mode: 'lookup',
    });
    denylists.push(lookup);
    await redis.stop();
    await expect(lookup.check({ jti: 'x' })).rejects.toMatchObject({ code: 'ERR_DENYLIST_UNAVAILABLE' });
    await redis.restart();
    // a service reported not ready gets no traffic: only its readiness probe calls health()
    const states: string[] = [];
    await eventually(() => {
      const { state } = lookup.health();
      states.push(state);
      return state === 'ok';
    }, 'lookup health to be ok again');
    expect(states[0]).toBe('failing');
    expect(lookup.health()).toMatchObject({ state: 'ok', connection: 'ready', lastError: undefined });
  });

  it('a mirror started while Redis is down fails closed until its initial load', async () => {
    const keyPrefix = `test:${randomUUID()}:`;
    await redis.stop();
    const mirror = createRedisDenylist(newClient(), { issuer: ISSUER, keyPrefix });
    denylists.push(mirror);
    expect(thrown(() => mirror.check({ jti: 'x' }))).toMatchObject({ code: 'ERR_DENYLIST_UNAVAILABLE' });
    expect(mirror.health().state).toBe('failing');
    await redis.restart();
    await mirror.ready();
    expect(mirror.health().state).toBe('ok');
    expect(mirror.check({ jti: 'x' })).toBe(false);
  });
});
