import { pageOrigins, readHttpUrl, readPort, readPositiveInteger, readRedisUrl, type Env } from '../../shared/src/env.js';

/** Everything the orders service reads from its environment. */
export type OrdersConfig = Readonly<{
  /** `ORDERS_PORT`, default 4001. */
  port: number;
  /** `ISSUER_URL`, default `http://127.0.0.1:<AUTH_PORT>`: expected `iss`, and where the JWKS is fetched. */
  issuerUrl: string;
  /** `REDIS_URL`; unset → an in-memory denylist (only useful when sharing a process with the auth service). */
  redisUrl: string | undefined;
  /** Origins allowed by CORS and by the cookie Origin check: the page served by the auth service. */
  allowedOrigins: readonly string[];
  /** `JWKS_MAX_AGE_SECONDS`, default 300: upper clamp of the JWKS cache age (the issuer's pre-publication window relies on it). */
  jwksMaxAgeSeconds: number;
}>;

/** Reads the orders service's configuration; throws an Error naming the bad variable. */
export function readOrdersConfig(env: Env = process.env): OrdersConfig {
  const issuerUrl = readHttpUrl(env, 'ISSUER_URL', `http://127.0.0.1:${readPort(env, 'AUTH_PORT', 4000)}`);
  return {
    port: readPort(env, 'ORDERS_PORT', 4001),
    issuerUrl,
    redisUrl: readRedisUrl(env),
    allowedOrigins: pageOrigins(issuerUrl),
    jwksMaxAgeSeconds: readPositiveInteger(env, 'JWKS_MAX_AGE_SECONDS', 300),
  };
}
