import { parseToken } from './support/compact-jws.js';
import { createHttpClient, type HttpClient } from './support/http-client.js';
import { loadDuringRotation, rotateViaAdmin } from './support/load-during-rotation.js';
import { percentile } from './support/run-load.js';
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
      let esKid = '';
      const { result, rotated, tokens, kids } = await loadDuringRotation({
        client,
        loginUrl: system.authUrl,
        ordersUrl: system.ordersUrl,
        profileUrl: system.profileUrl,
        loadMs: LOAD_MS,
        mintEveryMs: 250,
        rotate: async () => {
          // Step 1: an ES256 next key, published ahead (the auth process picks the key file change up).
          await system.keyRing.reload();
          await system.keyRing.prepareNextKey('ES256');
          esKid = system.keyRing.keys().find((key) => key.state === 'next')!.kid;
          // Step 2: rotate once it has been published for the verifiers' cache age.
          return rotateViaAdmin(client, system.authUrl, admin.accessToken);
        },
      });
      await system.keyRing.reload();
      const algOf = new Map(system.keyRing.keys().map((key) => [key.kid, key.alg]));
      const algs = [...kids].map((kid) => algOf.get(kid)).sort();
      const failed = result.sent - (result.outcomes.get('200') ?? 0);
      console.log(
        `RS256 → ES256 under load: ${result.sent} requests in ${LOAD_MS / 1000} s across 2 services, ${failed} failed, ` +
          `p50 ${percentile(result.latenciesMs, 50).toFixed(1)} ms, p99 ${percentile(result.latenciesMs, 99).toFixed(1)} ms; ` +
          `${tokens} tokens under ${kids.size} kids (${algs.join(', ')})`,
      );
      expect(Object.fromEntries(result.outcomes)).toEqual({ '200': result.sent });
      expect(rotated.kid).toBe(esKid);
      expect(algs).toEqual(['ES256', 'RS256']);
      // An RS256 token signed before the switch still verifies at both services after it.
      for (const url of [`${system.ordersUrl}/orders`, `${system.profileUrl}/me`]) {
        const reply = await client.get(url, { authorization: `Bearer ${admin.accessToken}` });
        expect(reply.status === 200 || reply.status === 403).toBe(true);
        expect(reply.status).not.toBe(401);
      }
    },
    LOAD_MS + 60_000,
  );
});
