import { describeRedis } from '../../shared/src/redis-connection.js';
import { runUntilSignal } from '../../shared/src/run-until-signal.js';
import { readAuthConfig, type AuthConfig } from './config.js';
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
let service;
try {
  service = await startAuthService(config);
} catch (error) {
  // e.g. a signing service (REMOTE_SIGNER_URL) that is down: one line with the error's code, no fallback key.
  const code = (error as { code?: unknown }).code;
  console.error(
    `auth-service: refusing to start: ${typeof code === 'string' ? `[${code}] ` : ''}${(error as Error).message}`,
  );
  process.exit(1);
}
console.log(
  `auth-service: listening on ${service.url} (issuer ${config.issuerUrl}, ` +
    `${config.redis ? `Redis stores at ${describeRedis(config.redis)}` : 'in-memory stores'}, ${keysWhere(config)})`,
);
runUntilSignal('auth-service', service.close);

function keysWhere(c: AuthConfig): string {
  if (c.remoteSignerUrl) return `signing through ${c.remoteSignerUrl} (no private key here)`;
  return c.redis ? 'key ring in Redis (encrypted)' : `key file in ${c.keysDir}`;
}
