import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@jwks-kit/test-kit';
import type { KeyRing } from '@jwks-kit/issuer';
import { openKeyRing } from '@jwks-kit/examples/auth-service/open-key-ring';
import { readDemoConfig } from '@jwks-kit/examples/demo/config';
import { runProcesses } from '@jwks-kit/examples/demo/run-processes';
import { inheritedEnv, SERVICE_LOCATION_VARIABLES } from './inherited-env.js';

/** Options of {@link startSystem}. */
export type StartSystemOptions = Readonly<{
  /** `REDIS_URL` of the three processes; unset → each process has its own in-memory stores. */
  redisUrl?: string;
  /** Keys directory to reuse (issuer restart); a fresh temp directory otherwise. */
  keysDir?: string;
  /** Ports to listen on (a restart keeps the issuer URL, hence `iss`); free ports otherwise. */
  ports?: SystemPorts;
  /** Extra environment of the three processes (e.g. `JWKS_MAX_AGE_SECONDS`). */
  env?: Readonly<Record<string, string>>;
  /** Also start the demo's second orders process (same `ORDERS_PUBLIC_URL`, its own free port). @default false */
  ordersReplica?: boolean;
}>;

/** The ports of the three services. */
export type SystemPorts = Readonly<{ auth: number; orders: number; profile: number }>;

/** Auth, orders and profile services running as three real processes (the demo's process runner). */
export type RunningSystem = Readonly<{
  ports: SystemPorts;
  authUrl: string;
  ordersUrl: string;
  profileUrl: string;
  /** The second orders process, when `ordersReplica` was asked for. */
  ordersReplicaUrl: string | undefined;
  /** The `iss` of every token. */
  issuer: string;
  keysDir: string;
  /** The issuer's key ring opened on the same key file (or Redis) in this process (reload() before reading after a rotation). */
  keyRing: KeyRing;
  /** Output lines of the three processes, prefixed with their names. */
  output: readonly string[];
  /** Stops the three processes (the keys directory stays; see `removeKeys`). */
  stop: () => Promise<void>;
  /** Deletes the keys directory when this call created it. */
  removeKeys: () => Promise<void>;
}>;

/**
 * Starts the example services as separate processes on free ports, through the demo's own process
 * runner (`runProcesses`): the auth service first (it creates the key file), then orders and profile,
 * each answering `/healthz` before this resolves.
 */
export async function startSystem(options: StartSystemOptions = {}): Promise<RunningSystem> {
  const ownKeys = options.keysDir === undefined;
  const keysDir = options.keysDir ?? join(await mkdtemp(join(tmpdir(), 'jwks-kit-system-')), 'keys');
  const ports = options.ports ?? { auth: await freePort(), orders: await freePort(), profile: await freePort() };
  const { auth: authPort, orders: ordersPort, profile: profilePort } = ports;
  const env: Record<string, string> = {
    AUTH_PORT: String(authPort),
    ORDERS_PORT: String(ordersPort),
    PROFILE_PORT: String(profilePort),
    ORDERS_REPLICA_PORT: String(await freePort()),
    KEYS_DIR: keysDir,
    // With Redis the key ring lives there too, sealed under a KEK the three processes share.
    ...(options.redisUrl
      ? { REDIS_URL: options.redisUrl, KEYS_ENCRYPTION_KEY: randomBytes(32).toString('base64') }
      : {}),
    ...options.env,
  };
  // The children inherit process.env: keep a developer's REDIS_* or ISSUER_URL out of them.
  const config = readDemoConfig([], { ...inheritedEnv(), ...env });
  const output: string[] = [];
  const saved = Object.fromEntries(SERVICE_LOCATION_VARIABLES.map((name) => [name, process.env[name]]));
  for (const name of SERVICE_LOCATION_VARIABLES) delete process.env[name];
  let demo;
  try {
    demo = await runProcesses(config, (line) => output.push(line), { ordersReplica: options.ordersReplica ?? false });
  } finally {
    for (const [name, value] of Object.entries(saved)) if (value !== undefined) process.env[name] = value;
  }
  const ring = await openKeyRing(config.auth);
  const { keyRing } = ring;
  // Over Redis the ring follows the store (and must, or it goes stale and refuses to sign).
  if (options.redisUrl) keyRing.start();
  return {
    ports,
    authUrl: `http://127.0.0.1:${authPort}`,
    ordersUrl: `http://127.0.0.1:${ordersPort}`,
    profileUrl: `http://127.0.0.1:${profilePort}`,
    ordersReplicaUrl: options.ordersReplica ? `http://127.0.0.1:${config.ordersReplica.port}` : undefined,
    issuer: config.auth.issuerUrl,
    keysDir,
    keyRing,
    output,
    stop: () => demo.stop().then(ring.close),
    removeKeys: async () => {
      if (ownKeys) await rm(join(keysDir, '..'), { recursive: true, force: true });
    },
  };
}

/** Tokens of a password grant at the auth service's `/token`. */
export type TokenSet = Readonly<{ accessToken: string; refreshToken: string }>;

/** Logs a demo user in with the password grant (`POST /token`), as a CLI client would. */
export async function login(authUrl: string, username: string, password = `${username}-pass`): Promise<TokenSet> {
  const res = await fetch(`${authUrl}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', username, password }).toString(),
  });
  const body = (await res.json()) as { access_token?: unknown; refresh_token?: unknown };
  if (res.status !== 200 || typeof body.access_token !== 'string' || typeof body.refresh_token !== 'string') {
    throw new Error(`login of ${username} answered ${res.status}`);
  }
  return { accessToken: body.access_token, refreshToken: body.refresh_token };
}
