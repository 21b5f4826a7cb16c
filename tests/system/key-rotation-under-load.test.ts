import { parseToken } from './support/compact-jws.js';
import { codeOf, createHttpClient, type HttpClient } from './support/http-client.js';
import { percentile, runLoad } from './support/run-load.js';
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
      const pool: string[] = [(await login(system.authUrl, 'alice')).accessToken];
      const kids = new Set<string>();
      const deadline = Date.now() + LOAD_MS;
      const running = () => Date.now() < deadline;
      // Fresh logins keep adding tokens signed by whichever key is active.
      const minter = (async () => {
        while (running()) {
          const token = (await login(system.authUrl, 'alice')).accessToken;
          pool.push(token);
          kids.add(String(parseToken(token).header.kid));
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      })();
      const rotation = (async () => {
        await new Promise((resolve) => setTimeout(resolve, LOAD_MS / 3));
        for (;;) {
          const reply = await client.post(`${system.authUrl}/admin/rotate-keys`, '', {
            authorization: `Bearer ${admin.accessToken}`,
          });
          if (reply.status === 200) return JSON.parse(reply.body) as { previous_kid: string; kid: string };
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
      const rotated = await rotation;
      await minter;
      const failed = result.sent - (result.outcomes.get('200') ?? 0);
      console.log(
        `rotation under load: ${result.sent} requests in ${LOAD_MS / 1000} s across 2 services, ${failed} failed, p50 ${percentile(result.latenciesMs, 50).toFixed(1)} ms, ` +
          `p99 ${percentile(result.latenciesMs, 99).toFixed(1)} ms; ${pool.length} tokens under ${kids.size} kids; rotated ${rotated.previous_kid.slice(0, 8)} → ${rotated.kid.slice(0, 8)}`,
      );
      expect(Object.fromEntries(result.outcomes)).toEqual({ '200': result.sent });
      expect(rotated.kid).not.toBe(rotated.previous_kid);
      expect(kids).toEqual(new Set([rotated.previous_kid, rotated.kid]));
    },
    LOAD_MS + 60_000,
  );
});
