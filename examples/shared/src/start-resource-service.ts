import type { Express } from 'express';
import { createMemoryDpopReplayStore, type DpopReplayStore } from '@jwks-kit/core';
import type { Denylist } from '@jwks-kit/denylist';
import { createRedisDpopReplayStore } from '@jwks-kit/denylist/redis';
import { createRemoteKeySet } from '@jwks-kit/verifier';
import { ACCEPTED_ALGORITHMS } from './accepted-algorithms.js';
import { listen } from './listen.js';
import { startMetrics } from './metrics.js';
import { createServiceLogger, type Logger } from './logger.js';
import { openDenylist } from './open-denylist.js';
import type { ResourceAppDeps } from './resource-service.js';
import type { ResourceServiceConfig } from './resource-service-config.js';

/** What the services of one process share (the embedded demo): a denylist, a DPoP replay store, a logger. */
export type SharedResourceDeps = Readonly<{ denylist?: Denylist; dpopReplayStore?: DpopReplayStore; logger?: Logger }>;

/** A listening resource service. */
export type StartedResourceService = Readonly<{ url: string; close: () => Promise<void> }>;

/**
 * Builds a resource service with `createApp` from its configuration and listens on `config.port`:
 * keys from the auth service's JWKS (cached, refreshed in the background), revocations from
 * `shared.denylist` (same process) or from a Redis mirror (`REDIS_URL`), DPoP proofs used once in
 * `shared.dpopReplayStore`, else in Redis over the same client (`REDIS_URL`: every replica sees every proof),
 * else in a memory store of this process.
 */
export async function startResourceService(
  config: ResourceServiceConfig,
  createApp: (deps: ResourceAppDeps) => Express,
  shared: SharedResourceDeps = {},
): Promise<StartedResourceService> {
  const log = shared.logger ?? createServiceLogger(config.serviceName, config.logLevel);
  // the SDK first: the key set, denylist and verifier made below record through it
  const metricsHandler = startMetrics();
  const maxCacheMs = config.jwksMaxAgeSeconds * 1000;
  const keySet = createRemoteKeySet({
    jwksUri: `${config.issuerUrl}/.well-known/jwks.json`,
    algorithms: ACCEPTED_ALGORITHMS,
    minCacheMs: Math.min(60_000, maxCacheMs),
    maxCacheMs,
    cooldownMs: Math.min(30_000, maxCacheMs),
    maxStaleMs: config.jwksMaxStaleSeconds * 1000,
    logger: log,
  });
  try {
    // The production startup step (what requireAuth(...).ready() awaits): the JWKS is loaded, or why not.
    await keySet.ready();
  } catch (error) {
    if (config.jwksRequiredAtStart) {
      keySet.close();
      throw error;
    }
    log.warn({ err: error, jwksUri: keySet.jwksUri.href }, 'starting without keys: not ready until the JWKS loads');
  }
  const opened = shared.denylist
    ? undefined
    : await openDenylist({
        issuer: config.issuerUrl,
        redis: config.redis,
        maxStalenessMs: config.denylistMaxStalenessMs,
        logger: log,
      });
  const app = createApp({
    issuerUrl: config.issuerUrl,
    keySet,
    denylist: shared.denylist ?? opened!.denylist,
    allowedOrigins: config.allowedOrigins,
    resourceUrl: config.publicUrl,
    dpopReplayStore:
      shared.dpopReplayStore ??
      (opened?.redis ? createRedisDpopReplayStore(opened.redis) : createMemoryDpopReplayStore()),
    metricsHandler,
    logger: log,
  });
  const running = await listen(app, config.port);
  return {
    url: running.url,
    close: async () => {
      await running.close();
      keySet.close();
      await opened?.close();
    },
  };
}
