import type { Denylist } from '@jwks-kit/denylist';
import { type KeyRing } from '@jwks-kit/issuer';
import { createMemoryRefreshTokenStore } from '@jwks-kit/issuer/sessions';
import { createRedisRefreshTokenStore } from '@jwks-kit/issuer/redis';
import { createRedisDpopReplayStore } from '@jwks-kit/denylist/redis';
import { listen } from '../../shared/src/listen.js';
import { createServiceLogger, type Logger } from '../../shared/src/logger.js';
import { startMetrics } from '../../shared/src/metrics.js';
import { openDenylist } from '../../shared/src/open-denylist.js';
import type { AuthConfig } from './config.js';
import { createApp } from './create-app.js';
import { createLoginRateLimiter } from './login-rate-limiter.js';
import { createOAuthEndpointLimiters } from './oauth-endpoint-limiters.js';
import { openKeyRing } from './open-key-ring.js';
import { createUserDirectory, DEMO_USERS } from './users.js';

/** A listening auth service. */
export type StartedAuthService = Readonly<{ url: string; keyRing: KeyRing; close: () => Promise<void> }>;

/**
 * Builds the auth service from its configuration and listens on `config.port`. Pass `denylist` to
 * share an embedded store with resource services in the same process; otherwise the denylist, the
 * refresh families and the key ring (sealed under `KEYS_ENCRYPTION_KEY`) live in Redis when
 * `REDIS_URL` or `REDIS_SENTINELS` is set, and the key ring in the key file when not. Every replica over the same Redis
 * signs with the same key and serves the same JWKS. Its pino logger (`logger`, or one at `LOG_LEVEL`) gets
 * the key ring's transitions, refresh-token reuse detections and the denylist mirror's disconnects.
 */
export async function startAuthService(
  config: AuthConfig,
  shared: Readonly<{ denylist?: Denylist; logger?: Logger }> = {},
): Promise<StartedAuthService> {
  const logger = shared.logger ?? createServiceLogger('auth-service', config.logLevel);
  const metricsHandler = startMetrics(); // before the key ring and signer, which record through it
  const opened = shared.denylist
    ? undefined
    : await openDenylist({ issuer: config.issuerUrl, redis: config.redis, logger });
  let ring;
  try {
    ring = await openKeyRing(config, { redis: opened?.redis, logger });
  } catch (error) {
    await opened?.close();
    throw error;
  }
  const { keyRing } = ring;
  keyRing.start();
  const users = await createUserDirectory(DEMO_USERS);
  const denylist = shared.denylist ?? opened!.denylist;
  // With REDIS_WAIT_FOR_REPLICAS, a rotation is acknowledged only once that many replicas have it (no fork on failover).
  const refreshStore = opened?.redis
    ? createRedisRefreshTokenStore(opened.redis, { waitForReplicas: config.redis?.waitForReplicas ?? 0 })
    : createMemoryRefreshTokenStore();
  // Counters in Redis when there is one, so every replica counts the same attempts.
  const loginRateLimiter = createLoginRateLimiter({ ...config.loginLimits, redis: opened?.redis });
  const app = createApp({
    issuerUrl: config.issuerUrl,
    keyRing,
    users,
    denylist,
    refreshStore,
    allowedOrigins: config.allowedOrigins,
    ordersPort: config.ordersPort,
    profilePort: config.profilePort,
    accessTokenTtlSeconds: config.accessTokenTtlSeconds,
    refreshGraceMs: config.refreshGraceMs,
    refreshIdleTimeoutMs: config.refreshIdleTimeoutSeconds * 1000,
    refreshAbsoluteLifetimeMs: config.refreshAbsoluteLifetimeSeconds * 1000,
    demoTourRoutes: config.demoTourRoutes,
    oauthClients: config.oauthClients,
    loginRateLimiter,
    oauthEndpointLimiters: createOAuthEndpointLimiters({ redis: opened?.redis }),
    // One proof, one use across every replica; in this process only without Redis.
    dpopReplayStore: opened?.redis
      ? createRedisDpopReplayStore(opened.redis, { keyPrefix: 'jwks-kit:auth:dpop:' })
      : undefined,
    dpopNonceSecret: config.dpopNonceSecret,
    trustProxy: config.trustProxy,
    metricsHandler,
    logger,
  });
  const running = await listen(app, config.port);
  return {
    url: running.url,
    keyRing,
    close: async () => {
      await running.close();
      await ring.close();
      await opened?.close();
    },
  };
}
