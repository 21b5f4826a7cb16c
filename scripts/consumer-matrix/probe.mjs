// Runs one consumer project's app against a mock issuer (@jwks-kit/testing's JWKS server on a free port)
// with real HTTP requests: 200 with the claims for a good token, 401 for a tampered one and for none.
// Usage: node probe.mjs <built app module>   (the app's own module system decides how it loads ours)
import { strict as assert } from 'node:assert';
import { once } from 'node:events';
import { pathToFileURL } from 'node:url';
import { createMockIssuer } from '@jwks-kit/testing';

const appModule = await import(pathToFileURL(process.argv[2]).href);
const { createApi, surface } = appModule.createApi ? appModule : appModule.default;
assert.ok(
  surface.every((part) => part !== undefined),
  'every subpath export is present',
);

const AUDIENCE = 'https://api.example.test';
const issuer = await createMockIssuer({ audience: AUDIENCE });
const server = createApi(issuer, AUDIENCE).listen(0, '127.0.0.1');
await once(server, 'listening');
const url = `http://127.0.0.1:${server.address().port}/me`;
const get = (token) => fetch(url, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });

try {
  const token = issuer.sign({ sub: 'alice', scope: 'orders:read profile', tenant: 'acme' });
  const ok = await get(token);
  assert.equal(ok.status, 200, 'a good token is accepted');
  const body = await ok.json();
  assert.equal(body.sub, 'alice');
  assert.equal(body.claims.tenant, 'acme');
  assert.equal(body.kid, issuer.kid);
  assert.deepEqual(body.scopes, ['orders:read', 'profile']);

  const [header, payload, signature] = token.split('.');
  const flipped = `${header}.${payload}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BA' : 'AA'}`;
  for (const [name, bad] of [
    ['tampered signature', flipped],
    ['tampered claims', issuer.reject.tampered()],
  ]) {
    const refused = await get(bad);
    assert.equal(refused.status, 401, `${name} is refused`);
    assert.equal((await refused.json()).code, 'invalid_token');
    assert.match(refused.headers.get('www-authenticate'), /^Bearer realm="api", error="invalid_token"/);
  }
  assert.equal((await get(undefined)).status, 401, 'no token is refused');
} finally {
  server.close();
  await issuer.close();
}
