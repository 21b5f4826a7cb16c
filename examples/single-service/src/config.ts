import { randomBytes } from 'node:crypto';
import { readHttpUrl, readPort, readPositiveInteger, type Env } from '../../shared/src/env.js';

/** Everything the single service reads from its environment. */
export type SingleServiceConfig = Readonly<{
  /** `SINGLE_SERVICE_PORT`, default 4010. */
  port: number;
  /** `ISSUER_URL`, default `http://127.0.0.1:<port>`: the `iss` and the `aud` of its tokens (it is both). */
  issuerUrl: string;
  /**
   * `HS256_SECRET`: at least 32 bytes as base64url (e.g. `openssl rand -base64 32 | tr '+/' '-_' | tr -d =`).
   * Unset: a random secret for this process only (tokens die with it). Never published anywhere.
   */
  secret: Buffer;
  /** Whether the secret was generated because `HS256_SECRET` is unset. */
  generatedSecret: boolean;
  /** `ACCESS_TOKEN_TTL_SECONDS`, default 300. */
  accessTokenTtlSeconds: number;
}>;

/** Reads the configuration; throws an Error naming the bad variable. */
export function readSingleServiceConfig(env: Env = process.env): SingleServiceConfig {
  const port = readPort(env, 'SINGLE_SERVICE_PORT', 4010);
  const raw = env.HS256_SECRET;
  let secret: Buffer;
  if (raw === undefined || raw === '') secret = randomBytes(32);
  else {
    secret = Buffer.from(raw, 'base64url');
    if (!/^[A-Za-z0-9_-]+$/.test(raw) || secret.length < 32)
      throw new Error('HS256_SECRET must be at least 32 bytes of random key material, base64url-encoded');
  }
  return {
    port,
    issuerUrl: readHttpUrl(env, 'ISSUER_URL', `http://127.0.0.1:${port}`),
    secret,
    generatedSecret: raw === undefined || raw === '',
    accessTokenTtlSeconds: readPositiveInteger(env, 'ACCESS_TOKEN_TTL_SECONDS', 300),
  };
}
