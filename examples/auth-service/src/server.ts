import { runUntilSignal } from '../../shared/src/run-until-signal.js';
import { readAuthConfig } from './config.js';
import { startAuthService } from './start-auth-service.js';

// Process entry of the auth service: `node --import tsx examples/auth-service/src/server.ts`.
let config;
try {
  config = readAuthConfig();
} catch (error) {
  // A configuration mistake (e.g. REDIS_URL without KEYS_ENCRYPTION_KEY) ends the process with one clear line.
  console.error(`auth-service: refusing to start: ${(error as Error).message}`);
  process.exit(1);
}
const service = await startAuthService(config);
console.log(
  `auth-service: listening on ${service.url} (issuer ${config.issuerUrl}, ` +
    `${config.redisUrl ? 'Redis stores, key ring in Redis (encrypted)' : `in-memory stores, key file in ${config.keysDir}`})`,
);
runUntilSignal('auth-service', service.close);
