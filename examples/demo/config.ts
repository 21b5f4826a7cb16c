import { readAuthConfig, type AuthConfig } from '../auth-service/src/config.js';
import { readOrdersConfig, type OrdersConfig } from '../orders-service/src/config.js';
import { readProfileConfig, type ProfileConfig } from '../profile-service/src/config.js';
import { readPort, type Env } from '../shared/src/env.js';

/** What the demo runner does, from its command line and environment. */
export type DemoConfig = Readonly<{
  /** `--once`: walk the tour, stop everything, exit 0 only if every step behaved. */
  once: boolean;
  /** The environment handed to the services: the caller's, plus demo-friendly timings where unset. */
  serviceEnv: Env;
  auth: AuthConfig;
  orders: OrdersConfig;
  /**
   * A second replica of orders (`ORDERS_REPLICA_PORT`, default 4003) behind the same public URL as the first
   * (`ORDERS_PUBLIC_URL`): a DPoP proof names that URL, so either replica accepts it, but only once.
   */
  ordersReplica: OrdersConfig;
  profile: ProfileConfig;
}>;

/**
 * Short windows so that the tour can show key rotation and refresh-token reuse within seconds:
 * verifiers cache the JWKS for at most 2 s (so a next key may sign ~4 s after it was published),
 * and concurrent refreshes share a successor for 1 s; the page's tour routes are on. Production keeps
 * the minutes-long defaults.
 */
const DEMO_TIMINGS = {
  JWKS_MAX_AGE_SECONDS: '2',
  REFRESH_GRACE_MS: '1000',
  // The page shows a token's whole life: 30 s access tokens (refreshed at 80 %), 10-min idle, 30-min sessions.
  ACCESS_TOKEN_TTL_SECONDS: '30',
  REFRESH_IDLE_TIMEOUT_SECONDS: '600',
  REFRESH_ABSOLUTE_LIFETIME_SECONDS: '1800',
  DEMO_TOUR: '1',
} as const;

/** Reads `--once` and the services' configuration; throws on an unknown argument or a bad variable. */
export function readDemoConfig(argv: readonly string[], env: Env = process.env): DemoConfig {
  const unknown = argv.filter((arg) => arg !== '--once' && arg !== '--');
  if (unknown.length > 0) throw new Error(`unknown argument ${JSON.stringify(unknown[0])}; usage: pnpm demo [--once]`);
  const serviceEnv: Env = {
    ...DEMO_TIMINGS,
    ...Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')),
  };
  const orders = readOrdersConfig(serviceEnv);
  const replicaPort = readPort(serviceEnv, 'ORDERS_REPLICA_PORT', 4003);
  if (replicaPort === orders.port) throw new Error('ORDERS_REPLICA_PORT must differ from ORDERS_PORT');
  return {
    once: argv.includes('--once'),
    serviceEnv,
    auth: readAuthConfig(serviceEnv),
    orders,
    ordersReplica: readOrdersConfig({
      ...serviceEnv,
      ORDERS_PORT: String(replicaPort),
      ORDERS_PUBLIC_URL: orders.publicUrl,
    }),
    profile: readProfileConfig(serviceEnv),
  };
}
