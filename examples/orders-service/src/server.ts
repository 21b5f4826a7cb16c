import { runUntilSignal } from '../../shared/src/run-until-signal.js';
import { readOrdersConfig } from './config.js';
import { startOrdersService } from './start-orders-service.js';

// Process entry of the orders service: `node --import tsx examples/orders-service/src/server.ts`.
const config = readOrdersConfig();
const service = await startOrdersService(config);
console.log(`orders-service: listening on ${service.url} (issuer ${config.issuerUrl}, ${config.redisUrl ? 'Redis' : 'in-memory'} denylist)`);
runUntilSignal('orders-service', service.close);
