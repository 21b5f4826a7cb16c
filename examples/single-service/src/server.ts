import { createUserDirectory, DEMO_USERS } from '../../auth-service/src/users.js';
import { listen } from '../../shared/src/listen.js';
import { runUntilSignal } from '../../shared/src/run-until-signal.js';
import { readSingleServiceConfig } from './config.js';
import { createApp } from './create-app.js';

// Process entry of the HS256 single service: `node --import tsx examples/single-service/src/server.ts`.
const config = readSingleServiceConfig();
const app = createApp({
  issuerUrl: config.issuerUrl,
  secret: config.secret,
  users: await createUserDirectory(DEMO_USERS),
  accessTokenTtlSeconds: config.accessTokenTtlSeconds,
});
const running = await listen(app, config.port);
console.log(`single-service: listening on ${running.url} (HS256, nothing published)`);
if (config.generatedSecret)
  console.warn('single-service: HS256_SECRET is not set: a random secret was generated; tokens end with this process.');
runUntilSignal('single-service', running.close);
