/**
 * The auth service of the login-storm benchmark, one variant per process (argv[2]): `GET /login`
 * signs an RS256 access token, `GET /.well-known/jwks.json` serves the key ring. `threadpool` signs
 * through the ring's Signer (callback `crypto.sign` on libuv's threadpool, what the issuer does);
 * `sync` signs with `crypto.sign` on the event loop: how every login signed before (bench only).
 * Prints `{"port":N}` once listening.
 */
import { createPrivateKey, sign } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import express from 'express';
import {
  createAccessTokenSigner,
  createKeyRing,
  createMemoryKeyStore,
  jwksHandler,
  type KeyRing,
  type Signer,
} from '@jwks-kit/issuer';

const variant = process.argv[2];
if (variant !== 'sync' && variant !== 'threadpool') throw new Error('usage: login-storm-server.ts sync|threadpool');
const store = createMemoryKeyStore();
const keyRing = await createKeyRing({ store, maxJwksCacheAgeMs: 600_000, maxTokenLifetimeSeconds: 3600 });
let signingRing: KeyRing = keyRing;
if (variant === 'sync') {
  const active = keyRing.signingKey();
  const stored = (await store.load())?.keys.find((key) => key.kid === active.kid);
  if (!stored) throw new Error('the signing key is not in the store');
  const privateKey = createPrivateKey({ key: { ...stored }, format: 'jwk' });
  const syncSigner: Signer = { ...active, sign: async (data) => sign('sha256', data, privateKey) };
  signingRing = { ...keyRing, signingKey: () => syncSigner, maxTokenLifetimeSeconds: keyRing.maxTokenLifetimeSeconds };
}
const signer = createAccessTokenSigner({
  issuer: 'https://auth.bench.example',
  keyRing: signingRing,
  defaultAudience: 'https://api.bench.example',
});
let n = 0;
const app = express();
app.get('/.well-known/jwks.json', jwksHandler(keyRing));
app.get('/login', (_req, res, next) => {
  signer
    .sign({ sub: `user-${(n += 1)}`, scope: 'orders:read', clientId: 'bench' })
    .then((signed) => res.json({ ok: true, exp: signed.exp }), next);
});
const server = app.listen(0, '127.0.0.1', () => {
  server.keepAliveTimeout = 60_000;
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
process.on('disconnect', () => process.exit(0));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
