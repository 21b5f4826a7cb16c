import { runUntilSignal } from '../../shared/src/run-until-signal.js';
import { readAuthConfig } from './config.js';
import { startAuthService } from './start-auth-service.js';

// Process entry of the auth service: `node --import tsx examples/auth-service/src/server.ts`.
const config = readAuthConfig();
const service = await startAuthService(config);
console.log(
  `auth-service: listening on ${service.url} (issuer ${config.issuerUrl}, ${config.redisUrl ? 'Redis' : 'in-memory'} stores)`,
);
runUntilSignal('auth-service', service.close);
