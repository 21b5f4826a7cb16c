import type { OAuthClient, SigningAlgorithm } from '@jwks-kit/issuer';
import {
  pageOrigins,
  readHttpUrl,
  readPort,
  readFlag,
  readKey32,
  readLogLevel,
  readPositiveInteger,
  readSigningAlg,
  type Env,
} from '../../shared/src/env.js';
import { readRedisConnection, type RedisConnection } from '../../shared/src/redis-connection.js';

/** Everything the auth service reads from its environment. */
export type AuthConfig = Readonly<{
  /** `AUTH_PORT`, default 4000. */
  port: number;
  /** `ISSUER_URL`, default `http://127.0.0.1:<AUTH_PORT>`: the `iss` of every token and the page's origin. */
  issuerUrl: string;
  /**
   * `REDIS_URL`, or `REDIS_SENTINELS` + `REDIS_SENTINEL_NAME` (with `REDIS_WAIT_FOR_REPLICAS`: see
   * `redis-connection.ts`); unset → embedded in-memory denylist and refresh store (one process only) and the key
   * file. Set → denylist, refresh families and the key ring in Redis (replicas share them).
   */
  redis: RedisConnection | undefined;
  /**
   * `KEYS_ENCRYPTION_KEY`: 32 bytes in base64, the KEK sealing every private key stored in Redis.
   * Required with `REDIS_URL` (the service refuses to start without it); ignored by the key file.
   */
  keysEncryptionKey: Buffer | undefined;
  /**
   * `REMOTE_SIGNER_URL`: base URL of a signing service holding the private key (`examples/remote-signer`).
   * Set → the auth service holds no private key: it signs through that service and publishes its public
   * key (no key file, no key ring in Redis; `SIGNING_ALG` is the signer's). Unset → the key file or Redis.
   */
  remoteSignerUrl: string | undefined;
  /** `REMOTE_SIGNER_SECRET`: 32 bytes in base64 shared with the signing service; required with `REMOTE_SIGNER_URL`. */
  remoteSignerSecret: Buffer | undefined;
  /** `KEYS_DIR`, default `.data/keys`: directory (0700) of the private key file (0600), used without Redis. */
  keysDir: string;
  /**
   * `SIGNING_ALG`, default `RS256` (or `PS256`, `ES256`, `EdDSA`): algorithm of the keys the auth
   * service generates. Changing it on an existing key file is a rotation: a next key of the new
   * algorithm is published at start and signs from the next rotation.
   */
  signingAlg: SigningAlgorithm;
  /** `ORDERS_PORT` (4001) and `PROFILE_PORT` (4002): told to the page so it can call them. */
  ordersPort: number;
  profilePort: number;
  /** Origins allowed by CORS and by the cookie Origin check: the page's origin and its localhost twin. */
  allowedOrigins: readonly string[];
  /** `ACCESS_TOKEN_TTL_SECONDS`, default 300: lifetime of access tokens (and the key ring's maximum). */
  accessTokenTtlSeconds: number;
  /** `JWKS_MAX_AGE_SECONDS`, default 300: longest JWKS cache age of the verifiers (drives key pre-publication). */
  jwksMaxAgeSeconds: number;
  /** `REFRESH_GRACE_MS`, default 10000: concurrent refreshes within this window share one successor. */
  refreshGraceMs: number;
  /** `REFRESH_IDLE_TIMEOUT_SECONDS`, default 1209600 (14 days, at most the absolute lifetime): a session not refreshed for this long ends. */
  refreshIdleTimeoutSeconds: number;
  /** `REFRESH_ABSOLUTE_LIFETIME_SECONDS`, default 2592000 (30 days): a session ends this long after login. */
  refreshAbsoluteLifetimeSeconds: number;
  /**
   * `OAUTH_CLIENTS`: JSON list of `{ clientId, secretHash, audiences? }` (hash from `hashClientSecret()`), the
   * clients of `POST /revoke` and `POST /introspect`; unset → neither endpoint is mounted.
   */
  oauthClients: readonly OAuthClient[];
  /**
   * `DPOP_NONCE_SECRET`: 32 bytes in base64. Set → the token endpoint requires server nonces in DPoP proofs
   * (RFC 9449 §8): an HMAC of the minute under this key, so give every replica the same value. Unset → no nonces.
   */
  dpopNonceSecret: Buffer | undefined;
  /** `DEMO_TOUR=1` mounts the page's refresh-replay demo routes; default off (`pnpm demo` turns it on). */
  demoTourRoutes: boolean;
  /** `LOGIN_MAX_FAILURES_PER_USERNAME` (5) and `LOGIN_MAX_FAILURES_PER_IP` (100) within `LOGIN_WINDOW_SECONDS` (900). */
  loginLimits: Readonly<{ maxFailuresPerUsername: number; maxFailuresPerIp: number; windowSeconds: number }>;
  /**
   * `TRUST_PROXY`, default unset (`false`): Express `trust proxy`, which decides the client IP the login
   * limiter counts. `true`, `false`, a hop count (`1`), or a comma-separated list of proxy addresses,
   * subnets or the names `loopback`, `linklocal`, `uniquelocal`.
   */
  trustProxy: boolean | number | readonly string[];
  /** `LOG_LEVEL`, default `info`: pino level of the service's log (key transitions, refresh reuse, mirror disconnects). */
  logLevel: string;
}>;

/** Reads `TRUST_PROXY` as Express' `trust proxy` setting; unset or empty means `false` (the TCP peer's address). */
export function readTrustProxy(env: Env, name = 'TRUST_PROXY'): boolean | number | readonly string[] {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  if (/^\d+$/.test(raw)) return Number(raw);
  const list = raw.split(',').map((part) => part.trim());
  if (list.some((part) => !/^[0-9a-z.:/]+$/i.test(part)))
    throw new Error(`${name} must be true, false, a hop count or a comma-separated list of addresses or subnets`);
  return list;
}

/** Reads the auth service's configuration; throws an Error naming the bad variable. */
export function readAuthConfig(env: Env = process.env): AuthConfig {
  const port = readPort(env, 'AUTH_PORT', 4000);
  const issuerUrl = readHttpUrl(env, 'ISSUER_URL', `http://127.0.0.1:${port}`);
  const absolute = readPositiveInteger(env, 'REFRESH_ABSOLUTE_LIFETIME_SECONDS', 2_592_000);
  const redis = readRedisConnection(env);
  const keysEncryptionKey = readKey32(env, 'KEYS_ENCRYPTION_KEY');
  const remoteSignerUrl = env.REMOTE_SIGNER_URL ? readHttpUrl(env, 'REMOTE_SIGNER_URL', '') : undefined;
  const remoteSignerSecret = readKey32(env, 'REMOTE_SIGNER_SECRET');
  if (remoteSignerUrl && !remoteSignerSecret)
    throw new Error(
      'REMOTE_SIGNER_SECRET is required when REMOTE_SIGNER_URL is set: 32 random bytes in base64, the same value as ' +
        "the signing service's SIGNER_CLIENT_SECRET",
    );
  if (redis && !remoteSignerUrl && !keysEncryptionKey)
    throw new Error(
      'KEYS_ENCRYPTION_KEY is required when REDIS_URL or REDIS_SENTINELS is set: the signing keys are stored in Redis only encrypted ' +
        'under it. Generate one with `openssl rand -base64 32`, keep it in your secret store, and give every ' +
        'auth-service replica the same value.',
    );
  return {
    port,
    issuerUrl,
    redis,
    keysEncryptionKey,
    remoteSignerUrl,
    remoteSignerSecret,
    keysDir: env.KEYS_DIR || '.data/keys',
    signingAlg: readSigningAlg(env),
    ordersPort: readPort(env, 'ORDERS_PORT', 4001),
    profilePort: readPort(env, 'PROFILE_PORT', 4002),
    allowedOrigins: pageOrigins(issuerUrl),
    accessTokenTtlSeconds: readPositiveInteger(env, 'ACCESS_TOKEN_TTL_SECONDS', 300),
    jwksMaxAgeSeconds: readPositiveInteger(env, 'JWKS_MAX_AGE_SECONDS', 300),
    refreshGraceMs: readPositiveInteger(env, 'REFRESH_GRACE_MS', 10_000),
    refreshIdleTimeoutSeconds: Math.min(readPositiveInteger(env, 'REFRESH_IDLE_TIMEOUT_SECONDS', 1_209_600), absolute),
    refreshAbsoluteLifetimeSeconds: absolute,
    demoTourRoutes: readFlag(env, 'DEMO_TOUR'),
    dpopNonceSecret: readKey32(env, 'DPOP_NONCE_SECRET'),
    loginLimits: {
      maxFailuresPerUsername: readPositiveInteger(env, 'LOGIN_MAX_FAILURES_PER_USERNAME', 5),
      maxFailuresPerIp: readPositiveInteger(env, 'LOGIN_MAX_FAILURES_PER_IP', 100),
      windowSeconds: readPositiveInteger(env, 'LOGIN_WINDOW_SECONDS', 900),
    },
    trustProxy: readTrustProxy(env),
    logLevel: readLogLevel(env),
    oauthClients: readOAuthClients(env),
  };
}

/** Reads `OAUTH_CLIENTS` (a JSON array); the auth service validates each entry at start. */
function readOAuthClients(env: Env): readonly OAuthClient[] {
  const raw = env.OAUTH_CLIENTS;
  if (raw === undefined || raw === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed))
    throw new Error('OAUTH_CLIENTS must be a JSON array of { clientId, secretHash, audiences? }');
  return parsed as OAuthClient[];
}
