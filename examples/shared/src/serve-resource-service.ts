import { createServiceLogger } from './logger.js';
import { describeRedis } from './redis-connection.js';
import type { ResourceServiceConfig } from './resource-service-config.js';
import { runUntilSignal } from './run-until-signal.js';
import type { SharedResourceDeps, StartedResourceService } from './start-resource-service.js';

/**
 * Process entry of a resource service: a pino logger, `start`, then serve until SIGINT/SIGTERM. A start
 * that fails (e.g. `JWKS_REQUIRED_AT_START=true` and the JWKS cannot be loaded) is logged and exits 1.
 */
export async function serveResourceService<C extends ResourceServiceConfig>(
  config: C,
  start: (config: C, shared: SharedResourceDeps) => Promise<StartedResourceService>,
): Promise<void> {
  const logger = createServiceLogger(config.serviceName, config.logLevel);
  let service: StartedResourceService;
  try {
    service = await start(config, { logger });
  } catch (error) {
    logger.fatal({ err: error }, 'could not start');
    process.exit(1);
  }
  logger.info(
    {
      url: service.url,
      issuer: config.issuerUrl,
      denylist: config.redis ? describeRedis(config.redis) : 'memory',
      dpopReplayStore: config.redis ? 'redis' : 'memory',
      dpopPublicOrigin: config.publicUrl,
    },
    `listening on ${service.url}`,
  );
  if (!config.redis) {
    logger.warn(
      'REDIS_URL is not set: this process has its own in-memory denylist and will not see revocations made by the auth service. Use `pnpm demo` (one process) or set REDIS_URL (or REDIS_SENTINELS).',
    );
  }
  runUntilSignal(config.serviceName, service.close);
}
