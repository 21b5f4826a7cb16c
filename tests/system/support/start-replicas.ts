import { randomBytes } from 'node:crypto';
import { freePort } from '@jwks-kit/test-kit';
import { startChild, stopChild, waitHealthy, type Child } from '@jwks-kit/examples/demo/service-process';
import { inheritedEnv } from './inherited-env.js';
import { startRoundRobinProxy, type RoundRobinProxy } from './round-robin-proxy.js';

/** Five processes start on a shared, busy machine: a generous bound for each group to answer /healthz. */
const STARTUP_TIMEOUT_MS = 90_000;

/** Options of {@link startReplicas}. */
export type StartReplicasOptions = Readonly<{
  /** `REDIS_URL` of every process; without it, `env` names the Redis (`REDIS_SENTINELS`, `REDIS_SENTINEL_NAME`). */
  redisUrl?: string;
  /** Whether the profile service runs too. @default true */
  profile?: boolean;
  /** Auth-service replicas. @default 3 */
  replicas?: number;
  /** Extra environment of every process (e.g. `JWKS_MAX_AGE_SECONDS`). */
  env?: Readonly<Record<string, string>>;
}>;

/** Auth-service replicas behind a round-robin balancer, orders and profile, all separate processes over one Redis. */
export type RunningReplicas = Readonly<{
  /** The balancer: the issuer URL (`iss`, JWKS location) every service uses. */
  issuer: string;
  balancer: RoundRobinProxy;
  /** Each auth replica's own URL (bypassing the balancer). */
  authUrls: readonly string[];
  ordersUrl: string;
  profileUrl: string;
  /** The KEK the replicas share (base64). */
  keysEncryptionKey: string;
  /** Output lines of every process, prefixed with its name. */
  output: readonly string[];
  stop: () => Promise<void>;
}>;

/**
 * Starts `replicas` auth-service processes sharing one key ring in Redis (one KEK), a round-robin
 * balancer in front of them as the issuer URL, then orders and profile, which fetch the JWKS through
 * the balancer. Resolves once every process answers `/healthz`.
 */
export async function startReplicas(options: StartReplicasOptions): Promise<RunningReplicas> {
  const count = options.replicas ?? 3;
  const authPorts = await Promise.all(Array.from({ length: count }, () => freePort()));
  const authUrls = authPorts.map((port) => `http://127.0.0.1:${port}`);
  const balancer = await startRoundRobinProxy(authUrls);
  const [ordersPort, profilePort] = [await freePort(), await freePort()];
  const keysEncryptionKey = randomBytes(32).toString('base64');
  const env = {
    ...inheritedEnv(),
    ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
    KEYS_ENCRYPTION_KEY: keysEncryptionKey,
    ISSUER_URL: balancer.url,
    ORDERS_PORT: String(ordersPort),
    PROFILE_PORT: String(profilePort),
    ...options.env,
  };
  const output: string[] = [];
  const log = (line: string) => output.push(line);
  const children: Child[] = [];
  const stop = async () => {
    await Promise.all(children.map(stopChild));
    await balancer.close();
  };
  try {
    for (const [i, port] of authPorts.entries())
      children.push(
        startChild(`auth-${i + 1}`, 'examples/auth-service/src/server.ts', { ...env, AUTH_PORT: String(port) }, log),
      );
    await waitHealthy(
      children.map((child, i) => ({ name: child.name, url: `${authUrls[i]}/healthz`, child })),
      STARTUP_TIMEOUT_MS,
    );
    const orders = startChild('orders', 'examples/orders-service/src/server.ts', env, log);
    const resources = [{ name: 'orders', url: `http://127.0.0.1:${ordersPort}/healthz`, child: orders }];
    if (options.profile ?? true) {
      const profile = startChild('profile', 'examples/profile-service/src/server.ts', env, log);
      resources.push({ name: 'profile', url: `http://127.0.0.1:${profilePort}/healthz`, child: profile });
    }
    children.push(...resources.map((resource) => resource.child));
    await waitHealthy(resources, STARTUP_TIMEOUT_MS);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n${output.join('\n')}`, { cause: error });
  }
  return {
    issuer: balancer.url,
    balancer,
    authUrls,
    ordersUrl: `http://127.0.0.1:${ordersPort}`,
    profileUrl: `http://127.0.0.1:${profilePort}`,
    keysEncryptionKey,
    output,
    stop,
  };
}
