import { createHash } from 'node:crypto';
import { prebuildJson, sendPrebuiltJson, type PrebuiltJson } from '@jwks-kit/core';
import type { RequestHandler } from 'express';
import type { KeyRing } from './create-key-ring.js';

interface Rendered {
  readonly version: number;
  readonly prebuilt: PrebuiltJson;
  readonly etag: string;
}

/**
 * Express handler for `GET /.well-known/jwks.json`: the key ring's public keys (kty, n, e, kid,
 * alg, use only) as `application/jwk-set+json`, with `Cache-Control: public, max-age=N` (N =
 * `keyRing.jwksCacheMaxAgeSeconds`), a strong ETag and `304 Not Modified` on a matching
 * `If-None-Match`. The body and ETag are computed once per key-ring change. Answers 503 (Retry-After)
 * while the ring's view of a shared store is stale (`keyRing.health().fresh` false), so that no
 * verifier replaces its copy with a set lacking a key another replica signs with. Other methods than
 * GET and HEAD pass to `next()`.
 */
export function jwksHandler(keyRing: KeyRing): RequestHandler {
  if (typeof keyRing?.publicJwks !== 'function') throw new TypeError('keyRing must be a KeyRing');
  let rendered: Rendered | undefined;
  const render = (): Rendered => {
    if (rendered?.version === keyRing.version) return rendered;
    const version = keyRing.version;
    const prebuilt = prebuildJson(keyRing.publicJwks(), {
      maxAgeSeconds: keyRing.jwksCacheMaxAgeSeconds,
      contentType: 'application/jwk-set+json',
    });
    const etag = `"${createHash('sha256').update(prebuilt.body).digest('base64url')}"`;
    rendered = { version, prebuilt, etag };
    return rendered;
  };

  return function jwks(req, res, next) {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      next();
      return;
    }
    // A replica that lost its shared store may lack a key another replica signs with: verifiers keep their copy.
    if (!keyRing.health().fresh) {
      res.statusCode = 503;
      res.setHeader('Retry-After', '1');
      res.setHeader('Cache-Control', 'no-store');
      res.end();
      return;
    }
    const { prebuilt, etag } = render();
    res.setHeader('ETag', etag);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (matches(req.headers['if-none-match'], etag)) {
      res.statusCode = 304;
      res.setHeader('Cache-Control', prebuilt.cacheControl);
      res.end();
      return;
    }
    sendPrebuiltJson(req, res, prebuilt);
  };
}

/** RFC 9110 §13.1.2: `*` or any listed entity tag equal under weak comparison. */
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => {
    const trimmed = tag.trim();
    return (trimmed.startsWith('W/') ? trimmed.slice(2) : trimmed) === etag;
  });
}
