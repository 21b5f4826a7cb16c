import { runUntilSignal } from '../../shared/src/run-until-signal.js';
import { readOrdersConfig } from './config.js';
import { startOrdersService } from './start-orders-service.js';

// Process entry of the orders service: `node --import tsx examples/orders-service/src/server.ts`.
const config = readOrdersConfig();
const service = await startOrdersService(config);
console.log(
  `orders-service: listening on ${service.url} (issuer ${config.issuerUrl}, ${config.redisUrl ? 'Redis' : 'in-memory'} denylist)`,
);
if (!config.redisUrl) {
  console.warn(
    `orders-service: REDIS_URL is not set: this process has its own in-memory denylist and will not see revocations made by the auth service. Use \`pnpm demo\` (one process) or set REDIS_URL.`,
  );
}
runUntilSignal('orders-service', service.close);
