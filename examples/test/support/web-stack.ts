import { createMemoryDenylist } from '@jwks-kit/denylist';
import { createKeyRing, createMemoryKeyStore, type KeyRing } from '@jwks-kit/issuer';
import { createMemoryRefreshTokenStore } from '@jwks-kit/issuer/sessions';
import { createRemoteKeySet } from '@jwks-kit/verifier';
import { freePort } from '@jwks-kit/test-kit';
import { createApp as createAuthApp } from '../../auth-service/src/create-app.js';
import { createUserDirectory, DEMO_USERS } from '../../auth-service/src/users.js';
import { createApp as createOrdersApp } from '../../orders-service/src/create-app.js';
import { createApp as createProfileApp } from '../../profile-service/src/create-app.js';
import { listen, type RunningServer } from '../../shared/src/listen.js';

/** Timings of a {@link startWebStack}; short, so that a browser sees tokens expire and keys rotate in seconds. */
export type WebStackOptions = Readonly<{
  /** @default 3 */
  accessTokenTtlSeconds?: number;
  /** @default 600000 */
  refreshAbsoluteLifetimeMs?: number;
  /** @default the absolute lifetime */
  refreshIdleTimeoutMs?: number;
  /** @default 500 */
  refreshGraceMs?: number;
}>;

/** The three demo services on free loopback ports, in this process, on the real clock. */
export type WebStack = Readonly<{
  authUrl: string;
  ordersUrl: string;
  profileUrl: string;
  keyRing: KeyRing;
  close: () => Promise<void>;
}>;

/**
 * Starts the auth, orders and profile apps (memory stores shared in-process, the replay demo routes
 * on) the way `pnpm demo` does without Redis, but on free ports and with timings short enough for
 * a browser test: a next key may sign 1 s after it was published.
 */
export async function startWebStack(options: WebStackOptions = {}): Promise<WebStack> {
  const ttlSeconds = options.accessTokenTtlSeconds ?? 3;
  const [authPort, ordersPort, profilePort] = [await freePort(), await freePort(), await freePort()];
  const authUrl = `http://127.0.0.1:${authPort}`;
  const allowedOrigins = [authUrl];
  const denylist = createMemoryDenylist({ issuer: authUrl });
  const keyRing = await createKeyRing({
    store: createMemoryKeyStore(),
    maxJwksCacheAgeMs: 500,
    safetyMarginMs: 500,
    checkIntervalMs: 250,
    maxTokenLifetimeSeconds: ttlSeconds,
  });
  const servers: RunningServer[] = [];
  servers.push(
    await listen(
      createAuthApp({
        issuerUrl: authUrl,
        keyRing,
        users: await createUserDirectory(DEMO_USERS),
        denylist,
        refreshStore: createMemoryRefreshTokenStore(),
        allowedOrigins,
        ordersPort,
        profilePort,
        accessTokenTtlSeconds: ttlSeconds,
        refreshGraceMs: options.refreshGraceMs ?? 500,
        refreshAbsoluteLifetimeMs: options.refreshAbsoluteLifetimeMs ?? 600_000,
        refreshIdleTimeoutMs: options.refreshIdleTimeoutMs ?? options.refreshAbsoluteLifetimeMs ?? 600_000,
        demoTourRoutes: true,
        log: () => {},
      }),
      authPort,
    ),
  );
  const keySet = createRemoteKeySet({ jwksUri: `${authUrl}/.well-known/jwks.json` });
  const deps = { issuerUrl: authUrl, keySet, denylist, allowedOrigins, log: () => {} };
  servers.push(await listen(createOrdersApp(deps), ordersPort));
  servers.push(await listen(createProfileApp(deps), profilePort));
  return {
    authUrl,
    ordersUrl: `http://127.0.0.1:${ordersPort}`,
    profileUrl: `http://127.0.0.1:${profilePort}`,
    keyRing,
    close: async () => {
      keySet.close();
      await Promise.all(servers.map((s) => s.close()));
      await denylist.close();
    },
  };
}
