import { createHttpClient, type HttpClient } from './support/http-client.js';
import { loadDuringRotation, rotateViaAdmin } from './support/load-during-rotation.js';
import { percentile } from './support/run-load.js';
import { login, startSystem, type RunningSystem, type TokenSet } from './support/start-system.js';

/** Default run: ~10 s of load; `SOAK=1`: 30 s. */
const LOAD_MS = process.env.SOAK === '1' ? 30_000 : 10_000;

describe('key rotation in the middle of a load run across orders and profile (real processes)', () => {
  let system: RunningSystem;
  let client: HttpClient;
  let admin: TokenSet;

  beforeAll(async () => {
    // Short JWKS cache age, as in the demo, so that the next key can sign seconds after it is published.
    system = await startSystem({ env: { JWKS_MAX_AGE_SECONDS: '2' } });
    client = createHttpClient(16);
    admin = await login(system.authUrl, 'admin');
  }, 60_000);
  afterAll(async () => {
    client?.close();
    await system?.stop();
    await system?.removeKeys();
  });

  it(
    'answers every request with 200 before, during and after the rotation, with tokens of both keys',
    async () => {
      const { result, rotated, tokens, kids } = await loadDuringRotation({
        client,
        loginUrl: system.authUrl,
        ordersUrl: system.ordersUrl,
        profileUrl: system.profileUrl,
        loadMs: LOAD_MS,
        mintEveryMs: 250,
        rotate: async () => {
          return rotateViaAdmin(client, system.authUrl, admin.accessToken);
        },
      });
      const failed = result.sent - (result.outcomes.get('200') ?? 0);
      console.log(
        `rotation under load: ${result.sent} requests in ${LOAD_MS / 1000} s across 2 services, ${failed} failed, p50 ${percentile(result.latenciesMs, 50).toFixed(1)} ms, ` +
          `p99 ${percentile(result.latenciesMs, 99).toFixed(1)} ms; ${tokens} tokens under ${kids.size} kids; rotated ${rotated.previous_kid.slice(0, 8)} → ${rotated.kid.slice(0, 8)}`,
      );
      expect(Object.fromEntries(result.outcomes)).toEqual({ '200': result.sent });
      expect(rotated.kid).not.toBe(rotated.previous_kid);
      expect(kids).toEqual(new Set([rotated.previous_kid, rotated.kid]));
    },
    LOAD_MS + 60_000,
  );
});
