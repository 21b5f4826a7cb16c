import type { Env } from '../shared/src/env.js';
import { describeRedis } from '../shared/src/redis-connection.js';
import { readDemoConfig } from './config.js';
import { runEmbedded } from './run-embedded.js';
import { runProcesses } from './run-processes.js';
import type { RunningDemo } from './running-demo.js';
import { runTour } from './tour.js';

/** Inputs of {@link runDemo}. */
export type RunDemoOptions = Readonly<{
  /** Command-line arguments after the script (`--once`). */
  argv: readonly string[];
  /** Environment the services are configured from. @default process.env */
  env?: Env;
  /** Receives every line of output. @default console.log */
  log?: (line: string) => void;
}>;

/** Starts the services, walks the tour, and either exits (`--once`) or keeps running until Ctrl-C. Resolves the exit code. */
export async function runDemo(options: RunDemoOptions): Promise<number> {
  const log = options.log ?? console.log;
  let config;
  try {
    config = readDemoConfig(options.argv, options.env);
  } catch (error) {
    log(`demo: ${(error as Error).message}`);
    return 2;
  }
  const redis = config.auth.redis && describeRedis(config.auth.redis);
  log(
    redis
      ? `Starting three services (and a second orders replica) as separate processes, agreeing through Redis at ${redis} …`
      : 'Starting three services (and a second orders app as its replica) in this process, sharing embedded in-memory stores (set REDIS_URL for separate processes) …',
  );
  let demo: RunningDemo;
  try {
    demo = redis ? await runProcesses(config, log) : await runEmbedded(config);
  } catch (error) {
    log(`demo: could not start the services: ${(error as Error).message}`);
    return 1;
  }
  const authUrl = `http://127.0.0.1:${config.auth.port}`;
  const ordersUrl = `http://127.0.0.1:${config.orders.port}`;
  const profileUrl = `http://127.0.0.1:${config.profile.port}`;
  const ordersReplicaUrl = `http://127.0.0.1:${config.ordersReplica.port}`;
  log('');
  log(`  auth service     ${authUrl}   (web page, /token, /.well-known/jwks.json)`);
  log(`  orders service   ${ordersUrl}   (GET/POST /orders)`);
  log(`  orders replica 2 ${ordersReplicaUrl}   (same public URL ${config.orders.publicUrl}: DPoP replay checks)`);
  log(`  profile service  ${profileUrl}   (GET /me)`);
  log('');
  log('Tour:');
  const result = await runTour({
    authUrl,
    ordersUrl,
    profileUrl,
    mintExpiredToken: demo.mintExpiredToken,
    refreshGraceMs: config.auth.refreshGraceMs,
    signingAlg: config.auth.signingAlg,
    dpop: {
      authUrl,
      ordersUrl,
      ordersReplicaUrl,
      profileUrl,
      tokenEndpoint: `${config.auth.issuerUrl}/token`,
      ordersPublicUrl: config.orders.publicUrl,
      profilePublicUrl: config.profile.publicUrl,
      replicaSharing: redis ? 'another process, same Redis' : 'same process, same memory store',
    },
    log,
  });
  log('');
  log(`Tour: ${result.passed} steps as expected, ${result.failed} not.`);
  if (config.once) {
    await demo.stop();
    return result.failed === 0 ? 0 : 1;
  }
  log(`Open ${authUrl} in a browser (alice / alice-pass, bob / bob-pass, admin / admin-pass). Ctrl-C stops the demo.`);
  return new Promise<number>((resolve) => {
    const onSignal = () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      log('\nStopping …');
      demo.stop().then(
        () => resolve(0),
        (error: unknown) => {
          log(`demo: stop failed: ${(error as Error).message}`);
          resolve(1);
        },
      );
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
