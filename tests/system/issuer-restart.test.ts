import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseToken } from './support/compact-jws.js';
import { codeOf, createHttpClient } from './support/http-client.js';
import { login, startSystem, type RunningSystem } from './support/start-system.js';

describe('issuer restart with a file key store (real processes, temp KEYS_DIR)', () => {
  let first: RunningSystem | undefined;
  let second: RunningSystem | undefined;
  afterAll(async () => {
    await second?.stop();
    await first?.stop();
    await first?.removeKeys();
  });

  it('keeps its keys across a restart, and tokens issued before stay valid on both services', async () => {
    const client = createHttpClient(4);
    try {
      first = await startSystem();
      const before = await login(first.authUrl, 'alice');
      const jwksBefore = (await client.get(`${first.authUrl}/.well-known/jwks.json`)).body;
      await first.stop();
      expect((await stat(join(first.keysDir, 'keys.json'))).mode & 0o777).toBe(0o600);

      second = await startSystem({ keysDir: first.keysDir, ports: first.ports });
      const jwksAfter = (await client.get(`${second.authUrl}/.well-known/jwks.json`)).body;
      const kidsOf = (body: string) =>
        (JSON.parse(body) as { keys: Array<{ kid: string }> }).keys.map((key) => key.kid).sort();
      expect(kidsOf(jwksAfter)).toEqual(kidsOf(jwksBefore));
      for (const url of [`${second.ordersUrl}/orders`, `${second.profileUrl}/me`]) {
        const reply = await client.get(url, { authorization: `Bearer ${before.accessToken}` });
        expect(`${reply.status} ${codeOf(reply) ?? ''}`).toBe('200 ');
      }
      const after = await login(second.authUrl, 'alice');
      expect(parseToken(after.accessToken).header.kid).toBe(parseToken(before.accessToken).header.kid);
    } finally {
      client.close();
    }
  }, 120_000);
});
