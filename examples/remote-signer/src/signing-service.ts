import { createPublicKey, type KeyObject } from 'node:crypto';
import express, { type Express } from 'express';
import { createLocalSigner, type PublicJwk, type SigningAlgorithm } from '@jwks-kit/issuer';
import { jwkThumbprint } from '@jwks-kit/core';
import { isAuthorized } from './request-mac.js';

/** What the signing service needs: the private key (it never leaves this process) and the shared secret. */
export type SigningServiceDeps = Readonly<{
  privateKey: KeyObject;
  alg: SigningAlgorithm;
  /** 32 random bytes shared with the auth service: every request carries an HMAC under it. */
  clientSecret: Uint8Array;
  /** Clock in ms since the epoch. @default Date.now */
  now?: () => number;
}>;

/** Longest signing input accepted, in bytes (a token's header and payload; tokens are capped at 4 KB). */
const MAX_SIGNING_INPUT_BYTES = 8192;

/**
 * The signing service: `GET /public-key` answers the public JWK (kid = RFC 7638 thumbprint, alg, use),
 * `POST /sign` with `{ signingInput }` (base64url) answers `{ signature }` (base64url, the JWS bytes of
 * `alg`). Both need the `Signer-HMAC-SHA256` authorization (401 otherwise, before the body is looked at).
 * The private key is used through `createLocalSigner` (off the event loop) and is never serialised.
 */
export function createSigningApp(deps: SigningServiceDeps): Express {
  const now = deps.now ?? Date.now;
  const publicMembers = createPublicKey(deps.privateKey).export({ format: 'jwk' }) as Record<string, string>;
  const kid = jwkThumbprint(publicMembers);
  const signer = createLocalSigner(deps.privateKey, kid, deps.alg);
  const publicJwk = { ...publicMembers, kid, alg: deps.alg, use: 'sig' } as PublicJwk;
  const publicKeyBody = Buffer.from(JSON.stringify({ publicJwk }));

  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // Raw body first: the MAC covers the exact bytes sent.
  app.use(express.raw({ type: '*/*', limit: MAX_SIGNING_INPUT_BYTES * 2 }));
  app.use((req, res, next) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const input = { method: req.method, path: req.path, body, nowSeconds: Math.floor(now() / 1000) };
    if (isAuthorized(deps.clientSecret, req.get('authorization'), input)) {
      next();
      return;
    }
    res.status(401).json({ error: 'unauthorized', error_description: 'Missing or invalid request MAC.' });
  });
  app.get('/public-key', (_req, res) => {
    res.type('application/json').send(publicKeyBody);
  });
  app.post('/sign', (req, res, next) => {
    let signingInput: Buffer | undefined;
    try {
      const parsed = JSON.parse((req.body as Buffer).toString('utf8')) as { signingInput?: unknown };
      if (typeof parsed.signingInput === 'string' && /^[A-Za-z0-9_-]+$/.test(parsed.signingInput))
        signingInput = Buffer.from(parsed.signingInput, 'base64url');
    } catch {
      signingInput = undefined;
    }
    if (!signingInput || signingInput.length === 0 || signingInput.length > MAX_SIGNING_INPUT_BYTES) {
      res.status(400).json({ error: 'invalid_request', error_description: 'signingInput must be base64url bytes.' });
      return;
    }
    signer.sign(signingInput).then((signature) => {
      res.json({ kid, alg: deps.alg, signature: Buffer.from(signature).toString('base64url') });
    }, next);
  });
  return app;
}
