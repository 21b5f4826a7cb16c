import type { Denylist } from '@jwks-kit/denylist';
import { createRemoteKeySet } from '@jwks-kit/verifier';
import { listen } from '../../shared/src/listen.js';
import { openDenylist } from '../../shared/src/open-denylist.js';
import type { OrdersConfig } from './config.js';
import { createApp } from './create-app.js';

/** A listening orders service. */
export type StartedOrdersService = Readonly<{ url: string; close: () => Promise<void> }>;

/**
 * Builds the orders service from its configuration and listens on `config.port`: keys from the auth
 * service's JWKS (cached, refreshed in the background), revocations from `shared.denylist` (same
 * process) or from a Redis mirror (`REDIS_URL`).
 */
export async function startOrdersService(config: OrdersConfig, shared: Readonly<{ denylist?: Denylist }> = {}): Promise<StartedOrdersService> {
  const maxCacheMs = config.jwksMaxAgeSeconds * 1000;
  const keySet = createRemoteKeySet({
    jwksUri: `${config.issuerUrl}/.well-known/jwks.json`,
    minCacheMs: Math.min(60_000, maxCacheMs),
    maxCacheMs,
    cooldownMs: Math.min(30_000, maxCacheMs),
  });
  const opened = shared.denylist ? undefined : await openDenylist({ issuer: config.issuerUrl, redisUrl: config.redisUrl });
  const app = createApp({ issuerUrl: config.issuerUrl, keySet, denylist: shared.denylist ?? opened!.denylist, allowedOrigins: config.allowedOrigins });
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
