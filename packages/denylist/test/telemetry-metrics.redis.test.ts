import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { startRedis, type TestRedis } from '@jwks-kit/test-kit';
import { startTestMetrics } from '@jwks-kit/test-kit/metrics';
import { createMemoryDenylist } from '../src/index.js';
import { createRedisDenylist } from '../src/redis.js';

// Registered before any denylist records anything, as an application registers its SDK first.
const metrics = startTestMetrics();
const ISSUER = 'https://auth.example.test';

let redis: TestRedis;
const clients: Redis[] = [];
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  for (const close of closers) await close();
  for (const client of clients) client.disconnect();
  if (redis.owned) await redis.stop();
  await metrics.stop();
});

const newClient = () => {
  const client = new Redis(redis.url, { enableOfflineQueue: false, maxRetriesPerRequest: 0 });
  clients.push(client);
  return client;
};

it('counts checks by outcome and revocations by kind (memory store)', async () => {
  const denylist = createMemoryDenylist({ issuer: ISSUER });
  closers.push(() => denylist.close());
  const nowS = Math.floor(Date.now() / 1000);
  await denylist.revoke('jti-1', nowS + 60);
  await denylist.revokeSubject('user-1', nowS);
  await denylist.revokeSession('session-1', nowS);
  expect(denylist.check({ jti: 'jti-1' })).toBe(true);
  expect(denylist.check({ jti: 'jti-2', sub: 'user-2', iat: nowS })).toBe(false);
  expect(denylist.check({ jti: 'jti-3', sub: 'user-2', iat: nowS })).toBe(false);

  const checks = (outcome: string) => metrics.total('jwks_kit.denylist.checks', { 'jwks_kit.outcome': outcome });
  expect(await checks('revoked')).toBe(1);
  expect(await checks('not_revoked')).toBe(2);
  for (const kind of ['jti', 'subject', 'session'])
    expect(await metrics.total('jwks_kit.denylist.revocations', { 'jwks_kit.revocation.kind': kind })).toBe(1);
  // no jti, subject or session id on any data point
  const values = JSON.stringify(await metrics.collect(), (_k, v: unknown) => (typeof v === 'bigint' ? 0 : v));
  for (const id of ['jti-1', 'user-1', 'session-1']) expect(values).not.toContain(id);
});

it('records the mirror lag of each revocation it receives, and its full loads by reason (Redis mirror)', async () => {
  const keyPrefix = `test:${randomUUID()}:`;
  const writer = createRedisDenylist(newClient(), { issuer: ISSUER, keyPrefix, mode: 'lookup' });
  const mirror = createRedisDenylist(newClient(), { issuer: ISSUER, keyPrefix });
  closers.push(
    () => writer.close(),
    () => mirror.close(),
  );
  const lagBefore = await metrics.total('jwks_kit.denylist.mirror.lag');
  await mirror.ready();
  expect(
    await metrics.total('jwks_kit.denylist.mirror.resyncs', { 'jwks_kit.sync.reason': 'initial' }),
  ).toBeGreaterThanOrEqual(1);
  const nowS = Math.floor(Date.now() / 1000);
  await writer.revoke('jti-over-the-stream', nowS + 60);
  const started = Date.now();
  while (mirror.check({ jti: 'jti-over-the-stream' }) !== true) {
    if (Date.now() - started > 10_000) throw new Error('the mirror never received the revocation');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  expect(await metrics.total('jwks_kit.denylist.mirror.lag')).toBe(lagBefore + 1);
  expect(await metrics.total('jwks_kit.denylist.revocations', { 'jwks_kit.revocation.kind': 'jti' })).toBe(2);
});
