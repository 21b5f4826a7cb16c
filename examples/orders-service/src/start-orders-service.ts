import type { Logger } from '../../shared/src/logger.js';
import type { Denylist } from '@jwks-kit/denylist';
import { startResourceService, type StartedResourceService } from '../../shared/src/start-resource-service.js';
import type { OrdersConfig } from './config.js';
import { createApp } from './create-app.js';

/** Builds the orders service from its configuration and listens on `config.port` (see {@link startResourceService}). */
export function startOrdersService(
  config: OrdersConfig,
  shared: Readonly<{ denylist?: Denylist; logger?: Logger }> = {},
): Promise<StartedResourceService> {
  return startResourceService(config, createApp, shared);
}
