import { createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import { access, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jwkThumbprint } from '@jwks-kit/core';
import { freePort } from '@jwks-kit/test-kit';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { startChild, stopChild, waitHealthy, type Child } from '../../demo/service-process.js';
import { AUDIENCES } from '../../shared/src/audiences.js';

const SIGNER_ENTRY = 'examples/remote-signer/src/server.ts';
const AUTH_ENTRY = 'examples/auth-service/src/server.ts';

/** A password login at the auth service's token endpoint (JSON mode). */
const login = (authUrl: string) =>
  fetch(`${authUrl}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=password&username=alice&password=alice-pass',
  });

describe('remote signer: the private key in a signing service of its own (real processes)', () => {
  let dir: string;
  const children: Child[] = [];
  const output: string[] = [];
  const log = (line: string) => output.push(line);
  const start = (name: string, entry: string, env: NodeJS.ProcessEnv) => {
    const child = startChild(name, entry, { ...process.env, ...env }, log);
    children.push(child);
    return child;
  };
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jwks-kit-remote-signer-'));
  });
  afterEach(async () => {
    await Promise.all(children.splice(0).map(stopChild));
    output.length = 0;
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('tokens it signs verify with the published JWKS, the private key stays in the signing process, and a signer that goes down gives 503, not another key', async () => {
    const secret = randomBytes(32).toString('base64');
    const [signerPort, authPort] = [await freePort(), await freePort()];
    const keyFile = join(dir, 'signer', 'private-key.pem');
    const keysDir = join(dir, 'auth-keys');
    const signerEnv = {
      SIGNER_PORT: String(signerPort),
      SIGNER_KEY_FILE: keyFile,
      SIGNING_ALG: 'ES256',
      SIGNER_CLIENT_SECRET: secret,
    };
    let signer = start('signer', SIGNER_ENTRY, signerEnv);
    await waitHealthy([{ name: 'signer', url: `http://127.0.0.1:${signerPort}/healthz`, child: signer }]);
    const auth = start('auth', AUTH_ENTRY, {
      AUTH_PORT: String(authPort),
      ISSUER_URL: '',
      REDIS_URL: '',
      KEYS_DIR: keysDir,
      SIGNING_ALG: '',
      REMOTE_SIGNER_URL: `http://127.0.0.1:${signerPort}`,
      REMOTE_SIGNER_SECRET: secret,
    });
    const authUrl = `http://127.0.0.1:${authPort}`;
    await waitHealthy([{ name: 'auth', url: `${authUrl}/healthz`, child: auth }]);

    // The key the signing service generated: only its file (0600) and its process hold it.
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    const privateKey = createPrivateKey(await readFile(keyFile, 'utf8'));
    const { d } = privateKey.export({ format: 'jwk' });
    const kid = jwkThumbprint(createPublicKey(privateKey).export({ format: 'jwk' }) as Record<string, string>);

    const res = await login(authUrl);
    expect(res.status).toBe(200);
    const grant = (await res.json()) as { access_token: string };
    expect(decodeProtectedHeader(grant.access_token)).toEqual({ alg: 'ES256', typ: 'at+jwt', kid });
    const jwks = createRemoteJWKSet(new URL(`${authUrl}/.well-known/jwks.json`));
    const { payload } = await jwtVerify(grant.access_token, jwks, {
      issuer: authUrl,
      audience: AUDIENCES.orders,
      algorithms: ['ES256'],
      typ: 'at+jwt',
    });
    expect(payload.sub).toBe('alice');

    // Nothing the auth service answers carries the private key, and it wrote no key file of its own.
    const jwksText = await (await fetch(`${authUrl}/.well-known/jwks.json`)).text();
    expect(JSON.parse(jwksText)).toEqual({
      keys: [expect.objectContaining({ kid, kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' })],
    });
    for (const text of [jwksText, JSON.stringify(grant), await (await fetch(`${authUrl}/healthz`)).text()])
      expect(text).not.toContain(d);
    await expect(access(keysDir)).rejects.toThrow();
    // Rotation happens where the keys are: the auth service cannot rotate a key it does not hold.
    const admin = (await (
      await fetch(`${authUrl}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=password&username=admin&password=admin-pass',
      })
    ).json()) as { access_token: string };
    const rotate = await fetch(`${authUrl}/admin/rotate-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.access_token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(rotate.status).toBe(409);
    expect(((await rotate.json()) as { code: string }).code).toBe('keys_managed_externally');

    // The signing service goes down: logins answer 503 + Retry-After (ERR_SIGNER_UNAVAILABLE), the JWKS
    // still serves, and no token is signed with any other key.
    await stopChild(signer);
    const down = await login(authUrl);
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('1');
    expect(((await down.json()) as { error: string }).error).toBe('temporarily_unavailable');
    expect((await fetch(`${authUrl}/.well-known/jwks.json`)).status).toBe(200);

    // Back on the same key file: logins sign again, under the same kid.
    signer = start('signer', SIGNER_ENTRY, signerEnv);
    await waitHealthy([{ name: 'signer', url: `http://127.0.0.1:${signerPort}/healthz`, child: signer }]);
    const again = (await (await login(authUrl)).json()) as { access_token: string };
    expect(decodeProtectedHeader(again.access_token).kid).toBe(kid);
    await jwtVerify(again.access_token, jwks, { issuer: authUrl, audience: AUDIENCES.orders, algorithms: ['ES256'] });
  }, 90_000);

  it.each([
    ['a signing service that is down', false],
    ['a signing service that refuses its secret', true],
  ])(
    'an auth service configured with %s refuses to start (ERR_SIGNER_UNAVAILABLE) and makes no key of its own',
    async (_name, running) => {
      const signerPort = await freePort();
      const keysDir = join(dir, `auth-keys-${String(running)}`);
      if (running) {
        const signer = start('signer', SIGNER_ENTRY, {
          SIGNER_PORT: String(signerPort),
          SIGNER_KEY_FILE: join(dir, 'signer-2', 'private-key.pem'),
          SIGNER_CLIENT_SECRET: randomBytes(32).toString('base64'),
        });
        await waitHealthy([{ name: 'signer', url: `http://127.0.0.1:${signerPort}/healthz`, child: signer }]);
      }
      const auth = start('auth', AUTH_ENTRY, {
        AUTH_PORT: String(await freePort()),
        ISSUER_URL: '',
        REDIS_URL: '',
        KEYS_DIR: keysDir,
        REMOTE_SIGNER_URL: `http://127.0.0.1:${signerPort}`,
        REMOTE_SIGNER_SECRET: randomBytes(32).toString('base64'),
      });
      expect(await auth.exited).toBe(1);
      expect(output.join('\n')).toMatch(
        /\[auth\] auth-service: refusing to start: \[ERR_SIGNER_UNAVAILABLE\] the signing service at http:\/\/127\.0\.0\.1:\d+ did not give its public key/,
      );
      await expect(access(keysDir)).rejects.toThrow();
    },
    60_000,
  );
});
