import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { sign, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import { claimsFor } from './claims.js';

/** Signs one compact RS256 access token (typ at+jwt) with the given key and kid. */
export function signToken(privateKey: KeyObject, kid: string, claims: Record<string, unknown>): string {
  const header = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'at+jwt', kid })).toString('base64url');
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const input = `${header}.${payload}`;
  return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
}

// Plain CommonJS so that the worker needs no TypeScript loader.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createPrivateKey, sign } = require('node:crypto');
const key = createPrivateKey({ key: workerData.jwk, format: 'jwk' });
const header = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'at+jwt', kid: workerData.kid })).toString('base64url');
const out = [];
for (const claims of workerData.claims) {
  const input = header + '.' + Buffer.from(JSON.stringify(claims)).toString('base64url');
  out.push(input + '.' + sign('sha256', Buffer.from(input), key).toString('base64url'));
}
parentPort.postMessage(out);
`;

/**
 * Signs `count` distinct tokens (distinct jti and claims) on every core, so that the pool of the
 * distinct-token scenarios is ready in seconds rather than a minute.
 */
export async function createTokenPool(
  privateJwk: JWK,
  kid: string,
  ctx: { readonly issuer: string; readonly audience: string },
  count: number,
): Promise<string[]> {
  const now = Math.floor(Date.now() / 1000);
  const claims = Array.from({ length: count }, (_, i) => claimsFor(ctx, i, now));
  const workers = Math.max(1, Math.min(availableParallelism(), 8));
  const chunk = Math.ceil(count / workers);
  const parts = await Promise.all(
    Array.from({ length: workers }, (_, w) => {
      const slice = claims.slice(w * chunk, (w + 1) * chunk);
      return new Promise<string[]>((resolve, reject) => {
        const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { jwk: privateJwk, kid, claims: slice } });
        worker.once('message', (tokens: string[]) => resolve(tokens));
        worker.once('error', reject);
      });
    }),
  );
  return parts.flat();
}
