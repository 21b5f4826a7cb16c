import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@jwks-kit/test-kit';
import { runDemo } from '../demo/run-demo.js';

describe('pnpm demo --once without Redis (one process, embedded stores)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jwks-kit-demo-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('runs the three apps in this process sharing the denylist, and every tour step behaves', async () => {
    const lines: string[] = [];
    const env = {
      AUTH_PORT: String(await freePort()),
      ORDERS_PORT: String(await freePort()),
      PROFILE_PORT: String(await freePort()),
      ORDERS_REPLICA_PORT: String(await freePort()),
      KEYS_DIR: join(dir, 'keys'),
    };
    const code = await runDemo({ argv: ['--once'], env, log: (line) => lines.push(line) });
    const output = lines.join('\n');
    if (code !== 0) console.log(output);
    expect(code).toBe(0);
    expect(output).toContain('in this process, sharing embedded in-memory stores');
    expect(output).toContain('Tour: 35 steps as expected, 0 not.');
    // a revocation made by the auth service is seen by both resource services
    expect(output).toMatch(/✔ .*orders rejects her token +401 token_revoked/);
    expect(output).toMatch(/✔ .*profile rejects it too +401 token_revoked/);
    expect(output).toMatch(/✔ .*bob GET \/me with his revoked token +401 token_revoked/);
    // DPoP: a bound token, refused as Bearer, a proof used once, also across the two orders apps (one memory store)
    expect(output).toMatch(/✔ .*logs in with a proof.* +token_type DPoP, cnf\.jkt = key/);
    expect(output).toMatch(/✔ .*a thief presents the bound token as Bearer.* +401 invalid_token/);
    expect(output).toMatch(/✔ .*thief refreshes her bound refresh token with its own key +400 dpop_key_mismatch/);
    expect(output).toMatch(/✔ .*refreshes with a proof of its key +200 token_type DPoP, cnf\.jkt = key/);
    expect(output).toMatch(/✔ .*the same proof replayed to orders +401 invalid_dpop_proof/);
    expect(output).toMatch(/✔ .*proof made for GET \/me on profile, sent to orders +401 invalid_dpop_proof/);
    expect(output).toMatch(/✔ .*replayed on replica 2 \(same process, same memory store\) +401 invalid_dpop_proof/);
    // stopped: nothing listens any more
    for (const port of [env.AUTH_PORT, env.ORDERS_PORT, env.PROFILE_PORT, env.ORDERS_REPLICA_PORT])
      await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  }, 60_000);

  it.each(['PS256', 'ES256', 'EdDSA'])(
    'SIGNING_ALG=%s: the whole tour passes and tokens signed after the rotation carry that alg',
    async (alg) => {
      const lines: string[] = [];
      const env = {
        AUTH_PORT: String(await freePort()),
        ORDERS_PORT: String(await freePort()),
        PROFILE_PORT: String(await freePort()),
        ORDERS_REPLICA_PORT: String(await freePort()),
        KEYS_DIR: join(dir, `keys-${alg}`),
        SIGNING_ALG: alg,
      };
      const code = await runDemo({ argv: ['--once'], env, log: (line) => lines.push(line) });
      const output = lines.join('\n');
      if (code !== 0) console.log(output);
      expect(code).toBe(0);
      expect(output).toMatch(/Tour: \d+ steps as expected, 0 not\./);
      expect(output).toMatch(new RegExp(`✔ .*signed with SIGNING_ALG \\(${alg}\\) +${alg}`));
    },
    60_000,
  );

  it('refuses an unknown argument with a usage line and exit code 2, starting nothing', async () => {
    const lines: string[] = [];
    expect(await runDemo({ argv: ['--onse'], env: {}, log: (line) => lines.push(line) })).toBe(2);
    expect(lines.join('\n')).toContain('usage: pnpm demo [--once]');
  });
});
