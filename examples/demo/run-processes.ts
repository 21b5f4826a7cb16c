import { openKeyRing } from '../auth-service/src/open-key-ring.js';
import type { DemoConfig } from './config.js';
import { expiredTokenMinter } from './mint-expired-token.js';
import type { RunningDemo } from './running-demo.js';
import { startChild, stopChild, waitHealthy, type Child } from './service-process.js';

/**
 * With Redis: one process per service, and (unless `ordersReplica: false`) a second orders process
 * (`orders-2`, same public URL),
 * agreeing through Redis (denylist mirror, refresh families, DPoP proofs used once, the key ring sealed
 * under `KEYS_ENCRYPTION_KEY`). Child output is prefixed with the service name.
 */
export async function runProcesses(
  config: DemoConfig,
  log: (line: string) => void,
  options: Readonly<{ ordersReplica?: boolean }> = {},
): Promise<RunningDemo> {
  const env = { ...process.env, ...config.serviceEnv };
  const children: Child[] = [startChild('auth', 'examples/auth-service/src/server.ts', env, log)];
  const stop = () => Promise.all(children.map(stopChild)).then(() => undefined);
  try {
    // The auth service creates the key ring; the others fetch its JWKS, so they start once it answers.
    await waitHealthy([{ name: 'auth', url: `http://127.0.0.1:${config.auth.port}/healthz`, child: children[0]! }]);
    children.push(startChild('orders', 'examples/orders-service/src/server.ts', env, log));
    children.push(startChild('profile', 'examples/profile-service/src/server.ts', env, log));
    const replicaEnv = {
      ...env,
      ORDERS_PORT: String(config.ordersReplica.port),
      ORDERS_PUBLIC_URL: config.ordersReplica.publicUrl,
    };
    if (options.ordersReplica ?? true)
      children.push(startChild('orders-2', 'examples/orders-service/src/server.ts', replicaEnv, log));
    await waitHealthy([
      { name: 'orders', url: `http://127.0.0.1:${config.orders.port}/healthz`, child: children[1]! },
      { name: 'profile', url: `http://127.0.0.1:${config.profile.port}/healthz`, child: children[2]! },
      ...children
        .slice(3)
        .map((child) => ({ name: child.name, url: `http://127.0.0.1:${config.ordersReplica.port}/healthz`, child })),
    ]);
    // The tour's expired token is signed with the same key ring (in Redis) the auth process uses.
    const { keyRing, close } = await openKeyRing(config.auth);
    return {
      mintExpiredToken: expiredTokenMinter(config.auth.issuerUrl, keyRing),
      stop: () => stop().then(close),
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
