import type { Env } from '../../shared/src/env.js';
import { readResourceServiceConfig, type ResourceServiceConfig } from '../../shared/src/resource-service-config.js';

/** Everything the profile service reads from its environment (`PROFILE_PORT`, default 4002). */
export type ProfileConfig = ResourceServiceConfig;

/** Reads the profile service's configuration; throws an Error naming the bad variable. */
export function readProfileConfig(env: Env = process.env): ProfileConfig {
  return readResourceServiceConfig(env, 'profile-service', 'PROFILE_PORT', 4002);
}
