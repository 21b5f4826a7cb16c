import { pageOrigins, readHttpUrl, readPort, readRedisUrl, type Env } from '../../shared/src/env.js';

/** Everything the auth service reads from its environment. */
export type AuthConfig = Readonly<{
  /** `AUTH_PORT`, default 4000. */
  port: number;
  /** `ISSUER_URL`, default `http://127.0.0.1:<AUTH_PORT>`: the `iss` of every token and the page's origin. */
  issuerUrl: string;
  /** `REDIS_URL`; unset → embedded in-memory denylist and refresh store (one process only). */
  redisUrl: string | undefined;
  /** `KEYS_DIR`, default `.data/keys`: directory (0700) of the private key file (0600). */
  keysDir: string;
  /** `ORDERS_PORT` (4001) and `PROFILE_PORT` (4002): told to the page so it can call them. */
  ordersPort: number;
  profilePort: number;
  /** Origins allowed by CORS and by the cookie Origin check: the page's origin and its localhost twin. */
  allowedOrigins: readonly string[];
}>;

/** Reads the auth service's configuration; throws an Error naming the bad variable. */
export function readAuthConfig(env: Env = process.env): AuthConfig {
  const port = readPort(env, 'AUTH_PORT', 4000);
  const issuerUrl = readHttpUrl(env, 'ISSUER_URL', `http://127.0.0.1:${port}`);
  return {
    port,
    issuerUrl,
    redisUrl: readRedisUrl(env),
    keysDir: env.KEYS_DIR || '.data/keys',
    ordersPort: readPort(env, 'ORDERS_PORT', 4001),
    profilePort: readPort(env, 'PROFILE_PORT', 4002),
    allowedOrigins: pageOrigins(issuerUrl),
  };
}
