import { runUntilSignal } from '../../shared/src/run-until-signal.js';
import { readProfileConfig } from './config.js';
import { startProfileService } from './start-profile-service.js';

// Process entry of the profile service: `node --import tsx examples/profile-service/src/server.ts`.
const config = readProfileConfig();
const service = await startProfileService(config);
console.log(`profile-service: listening on ${service.url} (issuer ${config.issuerUrl}, ${config.redisUrl ? 'Redis' : 'in-memory'} denylist)`);
runUntilSignal('profile-service', service.close);
