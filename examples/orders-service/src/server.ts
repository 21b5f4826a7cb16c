import { serveResourceService } from '../../shared/src/serve-resource-service.js';
import { readOrdersConfig } from './config.js';
import { startOrdersService } from './start-orders-service.js';

// Process entry of the orders service: `node --import tsx examples/orders-service/src/server.ts`.
await serveResourceService(readOrdersConfig(), startOrdersService);
