import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createClock, hasRedisServer, startRedis, type TestRedis } from '@jwks-kit/test-kit';
import {
  createRefreshTokenService,
  RefreshTokenError,
  type RefreshAccessTokenInput,
  type RefreshTokenGrant,
} from '../../src/sessions.js';
import { createRedisRefreshTokenStore } from '../../src/redis.js';
import { createTestDenylist, createTestSigner } from './refresh-fixtures.js';
import { hashRefreshToken } from './refresh-token-service-contract.js';

/** A Redis this suite owns and may kill, persisting every write (AOF, fsync always) across restarts. */
let redis: TestRedis;
let client: Redis;
let dir: string;

beforeAll(async () => {
  if (!hasRedisServer()) throw new Error('this suite needs redis-server on PATH (it stops and restarts Redis)');
  dir = mkdtempSync(join(tmpdir(), 'jwks-kit-refresh-fault-'));
  redis = await startRedis({
    forceSpawn: true,
    extraArgs: ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir],
  });
  client = new Redis(redis.url, { maxRetriesPerRequest: 1, retryStrategy: () => 50 });
  expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
});
afterAll(async () => {
  client.disconnect();
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function ready(): Promise<void> {
  while ((await client.ping().catch(() => '')) !== 'PONG') await new Promise((r) => setTimeout(r, 20));
}

async function setupFault(gate?: (input: RefreshAccessTokenInput) => Promise<void>) {
  const clock = createClock();
  const signer = await createTestSigner(clock);
  const store = createRedisRefreshTokenStore(client, {
    keyPrefix: `fault:${Math.random().toString(36).slice(2)}:`,
    commandTimeoutMs: 1_000,
  });
  const service = createRefreshTokenService({
    store,
    denylist: createTestDenylist(clock),
    now: clock.now,
    signAccessToken: async (input) => {
      await gate?.(input);
      return signer.sign(input);
    },
  });
  return { store, service };
}

function settle(results: PromiseSettledResult<RefreshTokenGrant>[]) {
  const fulfilled = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const rejected = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  return { fulfilled, rejected, successors: new Set(fulfilled.map((g) => g.refreshToken)) };
}

describe('refresh rotation when Redis dies mid-flight', () => {
  it('cannot fork a family when Redis dies between the callers’ reads and their writes', async () => {
    let started = false;
    let opened = 0;
    let releaseFirst!: () => void;
    let releaseRest!: () => void;
    const firstBatch = new Promise<void>((r) => (releaseFirst = r));
    const rest = new Promise<void>((r) => (releaseRest = r));
    let waiting = 0;
    let allRead!: () => void;
    const everyoneHasRead = new Promise<void>((r) => (allRead = r));
    const { store, service } = await setupFault(async () => {
      if (!started) return;
      waiting += 1;
      if (waiting === 50) allRead();
      const mine = (opened += 1);
      await (mine <= 10 ? firstBatch : rest);
    });
    const start = await service.start({ sub: 'fault-1' });
    started = true;
    const calls = Array.from({ length: 50 }, () => service.rotate(start.refreshToken));
    await everyoneHasRead;
    releaseFirst();
    const first = settle(await Promise.allSettled(calls.slice(0, 10)));
    await redis.stop();
    releaseRest();
    const second = settle(await Promise.allSettled(calls.slice(10)));
    await redis.restart();
    await ready();

    expect(first.fulfilled).toHaveLength(10);
    expect(first.successors.size).toBe(1);
    const [successor] = [...first.successors] as [string];
    expect(second.fulfilled).toHaveLength(0);
    expect(second.rejected).toHaveLength(40);
    for (const error of second.rejected) {
      expect(error).toBeInstanceOf(RefreshTokenError);
      expect((error as RefreshTokenError).code).toBe('ERR_REFRESH_STORE_UNAVAILABLE');
    }
    const head = await store.find(start.familyId, hashRefreshToken(successor));
    expect(head?.state).toBe('head');
    expect(head?.family.headHash).toBe(hashRefreshToken(successor));
    expect((await service.rotate(start.refreshToken)).refreshToken).toBe(successor);
    const next = await service.rotate(successor);
    expect((await store.find(start.familyId, hashRefreshToken(next.refreshToken)))?.state).toBe('head');
  });

  it('leaves at most one live head when Redis stops while 50 rotations are in flight', async () => {
    const { store, service } = await setupFault();
    const start = await service.start({ sub: 'fault-2' });
    let stopping: Promise<void> | undefined;
    const calls = Array.from({ length: 50 }, () =>
      service.rotate(start.refreshToken).finally(() => {
        stopping ??= redis.stop();
      }),
    );
    const outcome = settle(await Promise.allSettled(calls));
    await stopping;
    await redis.restart();
    await ready();

    expect(outcome.successors.size).toBeLessThanOrEqual(1);
    for (const error of outcome.rejected) {
      expect(error).toBeInstanceOf(RefreshTokenError);
      expect((error as RefreshTokenError).code).toBe('ERR_REFRESH_STORE_UNAVAILABLE');
    }
    // Whether or not a rotation committed before the stop, presenting the token again inside the
    // grace window yields the family's one head, and it is the successor any caller already got.
    const recovered = await service.rotate(start.refreshToken);
    for (const token of outcome.successors) expect(recovered.refreshToken).toBe(token);
    expect((await store.find(start.familyId, hashRefreshToken(recovered.refreshToken)))?.state).toBe('head');
    expect((await service.rotate(start.refreshToken)).refreshToken).toBe(recovered.refreshToken);
  });

  it('rejects with ERR_REFRESH_STORE_UNAVAILABLE while Redis is down, and works again after', async () => {
    const { service, store } = await setupFault();
    const start = await service.start({ sub: 'fault-3' });
    expect(store.health?.()).toMatchObject({ state: 'ok', kind: 'redis', connection: 'ready' });
    await redis.stop();
    const down = await service.rotate(start.refreshToken).catch((e: unknown) => e);
    const login = await service.start({ sub: 'fault-3' }).catch((e: unknown) => e);
    expect(store.health?.()).toMatchObject({
      state: 'failing',
      lastError: { code: 'ERR_REFRESH_STORE_UNAVAILABLE' },
    });
    await redis.restart();
    await ready();
    for (const error of [down, login]) {
      expect(error).toBeInstanceOf(RefreshTokenError);
      expect((error as RefreshTokenError).code).toBe('ERR_REFRESH_STORE_UNAVAILABLE');
      expect((error as RefreshTokenError).cause).toBeInstanceOf(Error);
    }
    expect((await service.rotate(start.refreshToken)).familyId).toBe(start.familyId);
    expect(store.health?.()).toMatchObject({ state: 'ok', lastError: undefined });
  });

  it('is healthy again after Redis returns from readiness probes alone, with no request to clear the failure (real time)', async () => {
    const { service, store } = await setupFault();
    await service.start({ sub: 'fault-4' });
    await redis.stop();
    await expect(service.start({ sub: 'fault-4' })).rejects.toMatchObject({ code: 'ERR_REFRESH_STORE_UNAVAILABLE' });
    await redis.restart();
    await ready();
    // a service reported not ready gets no traffic: only its probe calls health(), every 50 ms here
    const started = Date.now();
    const states: string[] = [];
    for (let state = store.health!().state; state !== 'ok'; state = store.health!().state) {
      states.push(state);
      if (Date.now() - started > 10_000) throw new Error(`still ${state} 10 s after Redis returned`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(states[0]).toBe('failing');
    expect(store.health?.()).toMatchObject({ state: 'ok', connection: 'ready', lastError: undefined });
  });
});
