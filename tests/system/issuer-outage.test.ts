import { createMemoryDenylist } from '@jwks-kit/denylist';
import { createClock } from '@jwks-kit/test-kit';
import { createRemoteKeySet, type RemoteKeySet } from '@jwks-kit/verifier';
import { createApp as createOrdersApp } from '@jwks-kit/examples/orders-service';
import { createApp as createProfileApp } from '@jwks-kit/examples/profile-service';
import { listen, type RunningServer } from '@jwks-kit/examples/shared/listen';
import { startTestIssuer, type TestIssuer } from './support/real-issuer.js';
import { codeOf, createHttpClient } from './support/http-client.js';

describe('auth service (JWKS) down for 10 minutes on a simulated clock', () => {
  const clock = createClock(Date.now());
  let issuer: TestIssuer;
  const keySets: RemoteKeySet[] = [];
  const servers: RunningServer[] = [];

  beforeAll(async () => {
    issuer = await startTestIssuer(clock.now);
  });
  afterAll(async () => {
    for (const keySet of keySets) keySet.close();
    for (const server of servers) await server.close();
    await issuer.close();
  });

  it('both resource services keep accepting valid tokens from their cached keys, though every refresh fails', async () => {
    let failedFetches = 0;
    const keySetFor = async () => {
      // The examples' production settings: cache age 60 s to 300 s, unknown-kid cooldown 30 s.
      const keySet = createRemoteKeySet({
        jwksUri: `${issuer.issuer}/.well-known/jwks.json`,
        minCacheMs: 60_000,
        maxCacheMs: 300_000,
        cooldownMs: 30_000,
        timeoutMs: 1_000,
        now: clock.now,
      });
      keySet.on('fetchFailed', () => failedFetches++);
      keySets.push(keySet);
      await keySet.ready();
      return keySet;
    };
    const deps = async () => ({
      issuerUrl: issuer.issuer,
      keySet: await keySetFor(),
      denylist: createMemoryDenylist({ issuer: issuer.issuer, now: clock.now, sweepIntervalMs: 0 }),
      allowedOrigins: [],
      now: clock.now,
      log: () => {},
    });
    servers.push(await listen(createOrdersApp(await deps()), 0), await listen(createProfileApp(await deps()), 0));
    const [orders, profile] = servers as [RunningServer, RunningServer];
    const token = await issuer.sign({
      sub: 'alice',
      scope: 'orders:read profile:read',
      clientId: 'cli',
      ttlSeconds: 3_600,
    });
    const client = createHttpClient(4);
    try {
      await issuer.close(); // the JWKS endpoint is gone: every fetch from now on is refused
      const answers = new Map<string, number>();
      for (let minute = 0; minute < 20; minute += 1) {
        clock.advance(30_000);
        for (const url of [`${orders.url}/orders`, `${profile.url}/me`]) {
          const reply = await client.get(url, { authorization: `Bearer ${token}` });
          const answer = reply.status === 200 ? '200' : `${reply.status} ${codeOf(reply)}`;
          answers.set(answer, (answers.get(answer) ?? 0) + 1);
        }
        // Let the background refresh that the lookup started fail before the next step.
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      console.log(
        `issuer down 10 simulated minutes: answers ${JSON.stringify(Object.fromEntries(answers))}, ${failedFetches} failed JWKS fetches`,
      );
      expect(Object.fromEntries(answers)).toEqual({ '200': 40 });
      expect(failedFetches).toBeGreaterThanOrEqual(2);
    } finally {
      client.close();
    }
  });
});
