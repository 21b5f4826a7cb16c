import { pageOrigins, readFlag, readLogLevel, readHttpUrl, readPort, readPositiveInteger, type Env } from './env.js';
import { readRedisConnection, type RedisConnection } from './redis-connection.js';

/** Everything a resource service (orders, profile) reads from its environment. */
export type ResourceServiceConfig = Readonly<{
  /** Name in the logs (`orders-service`, `profile-service`). */
  serviceName: string;
  /** `LOG_LEVEL`, default `info`: pino level (`debug` shows each refusal's detail). */
  logLevel: string;
  /** The service's own port variable (`ORDERS_PORT`, `PROFILE_PORT`). */
  port: number;
  /** `ISSUER_URL`, default `http://127.0.0.1:<AUTH_PORT>`: expected `iss`, and where the JWKS is fetched. */
  issuerUrl: string;
  /**
   * `REDIS_URL`, or `REDIS_SENTINELS` + `REDIS_SENTINEL_NAME` (see `redis-connection.ts`); unset → an in-memory
   * denylist (only useful when sharing a process with the auth service).
   */
  redis: RedisConnection | undefined;
  /** Origins allowed by CORS and by the cookie Origin check: the page served by the auth service. */
  allowedOrigins: readonly string[];
  /** `<SERVICE>_PUBLIC_URL` (e.g. `ORDERS_PUBLIC_URL`), default `http://127.0.0.1:<port>`: the RFC 9728 resource identifier. */
  publicUrl: string;
  /** `JWKS_MAX_AGE_SECONDS`, default 300: upper clamp of the JWKS cache age (the issuer's pre-publication window relies on it). */
  jwksMaxAgeSeconds: number;
  /** `JWKS_MAX_STALE_SECONDS`, default 86400: how long past its cache age the last good JWKS is served while the issuer fails. */
  jwksMaxStaleSeconds: number;
  /**
   * `JWKS_REQUIRED_AT_START`, default false: true refuses to start (exit 1) when the JWKS cannot be loaded;
   * false starts anyway, not ready (`/readyz` 503, requests 503 `keys_unavailable`) until a fetch succeeds.
   */
  jwksRequiredAtStart: boolean;
  /**
   * `DENYLIST_MAX_STALENESS_MS`, default 5000: with Redis, how long the denylist mirror answers from its last state
   * while it cannot follow Redis (a failover, an outage); past it, requests fail closed (503 `denylist_unavailable`).
   */
  denylistMaxStalenessMs: number;
}>;

/** Reads a resource service's configuration, its port from `portVariable`; throws an Error naming the bad variable. */
export function readResourceServiceConfig(
  env: Env,
  serviceName: string,
  portVariable: string,
  defaultPort: number,
): ResourceServiceConfig {
  const issuerUrl = readHttpUrl(env, 'ISSUER_URL', `http://127.0.0.1:${readPort(env, 'AUTH_PORT', 4000)}`);
  const port = readPort(env, portVariable, defaultPort);
  return {
    serviceName,
    logLevel: readLogLevel(env),
    port,
    publicUrl: readHttpUrl(env, portVariable.replace(/_PORT$/, '_PUBLIC_URL'), `http://127.0.0.1:${port}`),
    issuerUrl,
    redis: readRedisConnection(env),
    allowedOrigins: pageOrigins(issuerUrl),
    jwksMaxAgeSeconds: readPositiveInteger(env, 'JWKS_MAX_AGE_SECONDS', 300),
    jwksMaxStaleSeconds: readPositiveInteger(env, 'JWKS_MAX_STALE_SECONDS', 86_400),
    jwksRequiredAtStart: readFlag(env, 'JWKS_REQUIRED_AT_START'),
    denylistMaxStalenessMs: readPositiveInteger(env, 'DENYLIST_MAX_STALENESS_MS', 5_000),
  };
}
