import { runUntilSignal } from '../../shared/src/run-until-signal.js';
import { readProfileConfig } from './config.js';
import { startProfileService } from './start-profile-service.js';

// Process entry of the profile service: `node --import tsx examples/profile-service/src/server.ts`.
const config = readProfileConfig();
const service = await startProfileService(config);
console.log(
  `profile-service: listening on ${service.url} (issuer ${config.issuerUrl}, ${config.redisUrl ? 'Redis' : 'in-memory'} denylist)`,
);
if (!config.redisUrl) {
  console.warn(
    `profile-service: REDIS_URL is not set: this process has its own in-memory denylist and will not see revocations made by the auth service. Use \`pnpm demo\` (one process) or set REDIS_URL.`,
  );
}
runUntilSignal('profile-service', service.close);
