import { startRedis, type TestRedis } from '@jwks-kit/test-kit';
import { startReplicas, type RunningReplicas } from './support/start-replicas.js';
import { mapConcurrent } from './support/map-concurrent.js';

const FLOOD = 10_000;
const MAX_PER_IP = 100;

/** A password grant at `/token`, from the client IP `ip` as told by the trusted loopback proxy. */
async function passwordGrant(url: string, username: string, password: string, ip: string) {
  const res = await fetch(`${url}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': ip },
    body: new URLSearchParams({ grant_type: 'password', username, password }).toString(),
  });
  const body = (await res.json()) as { code?: string };
  return { status: res.status, code: body.code, retryAfter: res.headers.get('retry-after') };
}

describe('login throttling shared by auth-service replicas over Redis (real processes)', () => {
  let redis: TestRedis;
  let replicas: RunningReplicas;
  beforeAll(async () => {
    redis = await startRedis({ forceSpawn: true });
    // The tests speak through loopback as a proxy would, naming the client in X-Forwarded-For.
    replicas = await startReplicas({
      redisUrl: redis.url,
      replicas: 2,
      env: {
        TRUST_PROXY: 'loopback',
        LOGIN_MAX_FAILURES_PER_USERNAME: '5',
        LOGIN_MAX_FAILURES_PER_IP: String(MAX_PER_IP),
      },
    });
  }, 200_000);
  afterAll(async () => {
    await replicas?.stop();
    await redis?.stop();
  });

  it('5 failures on one replica, and the 6th attempt on the other gets 429 with Retry-After, even with the right password', async () => {
    const [a, b] = replicas.authUrls as [string, string];
    for (let i = 0; i < 5; i++) {
      const failed = await passwordGrant(a, 'alice', `guess-${i}`, `198.51.100.${i + 1}`);
      expect(`${failed.status} ${failed.code}`).toBe('401 invalid_credentials');
    }
    const sixth = await passwordGrant(b, 'alice', 'alice-pass', '198.51.100.77');
    expect(`${sixth.status} ${sixth.code}`).toBe('429 too_many_requests');
    expect(Number(sixth.retryAfter)).toBeGreaterThan(890);
    expect(Number(sixth.retryAfter)).toBeLessThanOrEqual(900);
    expect((await passwordGrant(a, 'alice', 'alice-pass', '198.51.100.78')).status).toBe(429);
    expect((await passwordGrant(b, 'bob', 'bob-pass', '198.51.100.77')).status).toBe(200);
  }, 60_000);

  it(`a flood of ${FLOOD.toLocaleString('en')} made-up usernames from one IP, over both replicas, never lifts a user's lock`, async () => {
    const [a, b] = replicas.authUrls as [string, string];
    const attacker = '203.0.113.66';
    for (let i = 0; i < 5; i++) await passwordGrant(i % 2 ? b : a, 'admin', `guess-${i}`, attacker);
    expect((await passwordGrant(a, 'admin', 'admin-pass', '192.0.2.1')).status).toBe(429);
    const statuses = await mapConcurrent(
      Array.from({ length: FLOOD }, (_, i) => i),
      16,
      async (i) => (await passwordGrant(i % 2 ? b : a, `made-up-${i}`, 'guess', attacker)).status,
    );
    // Every made-up name failed or was refused; the attacker's IP, counted by both replicas together, was locked.
    expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(MAX_PER_IP);
    expect(statuses.slice(-100).every((s) => s === 429)).toBe(true);
    for (const [url, ip] of [
      [a, '192.0.2.2'],
      [b, '192.0.2.3'],
    ] as const) {
      const after = await passwordGrant(url, 'admin', 'admin-pass', ip);
      expect(`${after.status} ${after.code}`).toBe('429 too_many_requests');
    }
  }, 300_000);
});
