import { parseToken } from './support/compact-jws.js';
import { codeOf, createHttpClient, type HttpClient } from './support/http-client.js';
import { percentile, runLoad } from './support/run-load.js';
import { login, startSystem, type RunningSystem, type TokenSet } from './support/start-system.js';

/** Default run: ~10 s of load; `SOAK=1`: 30 s. */
const LOAD_MS = process.env.SOAK === '1' ? 30_000 : 10_000;

describe('RS256 → ES256 migration in the middle of a load run across orders and profile (real processes)', () => {
  let system: RunningSystem;
  let client: HttpClient;
  let admin: TokenSet;

  beforeAll(async () => {
    // RS256 keys; a short JWKS cache age so that the ES256 key can sign seconds after it is published.
    system = await startSystem({ env: { JWKS_MAX_AGE_SECONDS: '2', SIGNING_ALG: 'RS256' } });
    client = createHttpClient(16);
    admin = await login(system.authUrl, 'admin');
  }, 60_000);
  afterAll(async () => {
    client?.close();
    await system?.stop();
    await system?.removeKeys();
  });

  it(
    'answers every request with 200 while the ES256 key is published, starts signing and RS256 tokens stay valid',
    async () => {
      expect(parseToken(admin.accessToken).header.alg).toBe('RS256');
      const pool: string[] = [(await login(system.authUrl, 'alice')).accessToken];
      const algs = new Map<string, number>();
      const deadline = Date.now() + LOAD_MS;
      const running = () => Date.now() < deadline;
      // Fresh logins keep adding tokens signed by whichever key is active.
      const minter = (async () => {
        while (running()) {
          const token = (await login(system.authUrl, 'alice')).accessToken;
          pool.push(token);
          const alg = String(parseToken(token).header.alg);
          algs.set(alg, (algs.get(alg) ?? 0) + 1);
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      })();
      const migration = (async () => {
        await new Promise((resolve) => setTimeout(resolve, LOAD_MS / 4));
        // Step 1: an ES256 next key, published ahead (the auth process picks the key file change up).
        await system.keyRing.reload();
        await system.keyRing.prepareNextKey('ES256');
        const next = system.keyRing.keys().find((key) => key.state === 'next')!;
        // Step 2: rotate once it has been published for the verifiers' cache age.
        for (;;) {
          const reply = await client.post(`${system.authUrl}/admin/rotate-keys`, '', {
            authorization: `Bearer ${admin.accessToken}`,
          });
          if (reply.status === 200)
            return { next, ...(JSON.parse(reply.body) as { previous_kid: string; kid: string }) };
          if (reply.status !== 409) throw new Error(`rotate-keys answered ${reply.status} ${codeOf(reply)}`);
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      })();
      const result = await runLoad({
        concurrency: 8,
        running,
        send: async (worker, index) => {
          const token = pool[index % pool.length] as string;
          const url = worker % 2 === 0 ? `${system.ordersUrl}/orders` : `${system.profileUrl}/me`;
          const reply = await client.get(url, { authorization: `Bearer ${token}` });
          return reply.status === 200 ? '200' : `${reply.status} ${codeOf(reply)}`;
        },
      });
      const migrated = await migration;
      await minter;
      const failed = result.sent - (result.outcomes.get('200') ?? 0);
      console.log(
        `RS256 → ES256 under load: ${result.sent} requests in ${LOAD_MS / 1000} s across 2 services, ${failed} failed, ` +
          `p50 ${percentile(result.latenciesMs, 50).toFixed(1)} ms, p99 ${percentile(result.latenciesMs, 99).toFixed(1)} ms; ` +
          `${pool.length} tokens: ${JSON.stringify(Object.fromEntries(algs))}`,
      );
      expect(Object.fromEntries(result.outcomes)).toEqual({ '200': result.sent });
      expect(migrated.kid).toBe(migrated.next.kid);
      expect(migrated.next.alg).toBe('ES256');
      expect([...algs.keys()].sort()).toEqual(['ES256', 'RS256']);
      // The RS256 tokens signed before the switch still verify at both services after it.
      for (const url of [`${system.ordersUrl}/orders`, `${system.profileUrl}/me`]) {
        const reply = await client.get(url, { authorization: `Bearer ${pool[0]}` });
        expect(reply.status).toBe(200);
      }
    },
    LOAD_MS + 60_000,
  );
});
