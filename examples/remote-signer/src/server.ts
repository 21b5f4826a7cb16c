import { listen } from '../../shared/src/listen.js';
import { runUntilSignal } from '../../shared/src/run-until-signal.js';
import { readSigningServiceConfig } from './config.js';
import { openPrivateKey } from './open-private-key.js';
import { createSigningApp } from './signing-service.js';

// Process entry of the signing service: `node --import tsx examples/remote-signer/src/server.ts`.
let config;
let key;
try {
  config = readSigningServiceConfig();
  key = await openPrivateKey(config.keyFile, config.signingAlg);
} catch (error) {
  console.error(`signing-service: refusing to start: ${(error as Error).message}`);
  process.exit(1);
}
const running = await listen(createSigningApp({ ...key, clientSecret: config.clientSecret }), config.port);
console.log(
  `signing-service: listening on ${running.url} (${key.alg}, key ${key.generated ? 'generated into' : 'read from'} ${config.keyFile})`,
);
runUntilSignal('signing-service', running.close);
