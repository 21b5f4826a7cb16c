import {
  startResourceService,
  type SharedResourceDeps,
  type StartedResourceService,
} from '../../shared/src/start-resource-service.js';
import type { ProfileConfig } from './config.js';
import { createApp } from './create-app.js';

/** Builds the profile service from its configuration and listens on `config.port` (see {@link startResourceService}). */
export function startProfileService(
  config: ProfileConfig,
  shared: SharedResourceDeps = {},
): Promise<StartedResourceService> {
  return startResourceService(config, createApp, shared);
}
