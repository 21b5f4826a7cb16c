import { createAccessTokenSigner } from '@jwks-kit/issuer';
import { startRedis, type TestRedis } from '@jwks-kit/test-kit';
import { AUDIENCES } from '@jwks-kit/examples/shared/audiences';
import { codeOf, createHttpClient, type HttpClient } from './support/http-client.js';
import { percentile } from './support/run-load.js';
import { login, startSystem, type RunningSystem } from './support/start-system.js';

const TRIALS = 200;
/** Functional bound on one propagation (not a performance claim): pub/sub must deliver well within it. */
const PROPAGATED_WITHIN_MS = 5_000;

describe('revocation propagation from POST /admin/revoke to both resource services (real processes, Redis pub/sub)', () => {
  let redis: TestRedis;
  let system: RunningSystem;
  let client: HttpClient;

  beforeAll(async () => {
    redis = await startRedis({ forceSpawn: true });
    system = await startSystem({ redisUrl: redis.url });
    client = createHttpClient(8);
  }, 60_000);
  afterAll(async () => {
    client?.close();
    await system?.stop();
    await system?.removeKeys();
    await redis?.stop();
  });

  it(`measures p50/p99 over ${TRIALS} trials; every revocation reaches both services`, async () => {
    const admin = await login(system.authUrl, 'admin');
    await system.keyRing.reload();
    // Tokens from the issuer's own signer and key file: what /token would mint, without a password hash per trial.
    const signer = createAccessTokenSigner({
      issuer: system.issuer,
      keyRing: system.keyRing,
      defaultAudience: Object.values(AUDIENCES),
      defaultTtlSeconds: Math.min(300, system.keyRing.maxTokenLifetimeSeconds),
    });
    const services = { orders: `${system.ordersUrl}/orders`, profile: `${system.profileUrl}/me` };
    const delays: Record<keyof typeof services, number[]> = { orders: [], profile: [] };
    const both: number[] = [];
    for (let trial = 0; trial < TRIALS; trial += 1) {
      const { token, jti } = await signer.sign({
        sub: `user-${trial}`,
        scope: 'orders:read profile:read',
        clientId: 'cli',
      });
      for (const url of Object.values(services)) {
        // Warm: the token is accepted (and sits in each verifier's verified-token cache).
        expect((await client.get(url, { authorization: `Bearer ${token}` })).status).toBe(200);
      }
      const start = performance.now();
      const revoked = await client.post(`${system.authUrl}/admin/revoke`, JSON.stringify({ jti }), {
        authorization: `Bearer ${admin.accessToken}`,
        'content-type': 'application/json',
      });
      expect(revoked.status).toBe(200);
      const seen = await Promise.all(
        Object.entries(services).map(async ([name, url]) => {
          for (;;) {
            const reply = await client.get(url, { authorization: `Bearer ${token}` });
            const elapsed = performance.now() - start;
            if (reply.status === 401 && codeOf(reply) === 'token_revoked') {
              delays[name as keyof typeof services].push(elapsed);
              return elapsed;
            }
            expect(reply.status).toBe(200);
            if (elapsed > PROPAGATED_WITHIN_MS)
              throw new Error(`revocation did not reach ${name} within ${PROPAGATED_WITHIN_MS} ms`);
          }
        }),
      );
      both.push(Math.max(...seen));
    }
    const fmt = (values: number[]) =>
      `p50 ${percentile(values, 50).toFixed(1)} ms, p99 ${percentile(values, 99).toFixed(1)} ms, max ${Math.max(...values).toFixed(1)} ms`;
    console.log(
      `revocation propagation over ${TRIALS} trials (from POST /admin/revoke to 401 token_revoked): orders ${fmt(delays.orders)}; profile ${fmt(delays.profile)}; both ${fmt(both)}`,
    );
    expect(delays.orders).toHaveLength(TRIALS);
    expect(delays.profile).toHaveLength(TRIALS);
  }, 180_000);
});
