import { chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import {
  createExternalKeyRing,
  createFileKeyStore,
  createKeyRing,
  type IssuerLogger,
  type KeyRing,
  type KeyStore,
} from '@jwks-kit/issuer';
import { createRedisKeyStore } from '@jwks-kit/issuer/redis';
import { connectRemoteSigner } from '../../remote-signer/src/connect-remote-signer.js';
import { connectRedis } from '../../shared/src/redis-connection.js';
import type { AuthConfig } from './config.js';

/** Name of the private key file inside `KEYS_DIR`. */
export const KEY_FILE = 'keys.json';

/** A key ring, and how to release what was opened for it (a Redis connection it made itself). */
export type OpenedKeyRing = Readonly<{ keyRing: KeyRing; close: () => Promise<void> }>;

/**
 * Opens the key ring. With `REMOTE_SIGNER_URL`: over the signing service that holds the private key
 * (`createExternalKeyRing`: this process holds no private key, and a signing service that is down fails
 * the start with `ERR_SIGNER_UNAVAILABLE`, never falling back to a local key). With `REDIS_URL`: over the Redis key store (private keys sealed under
 * `KEYS_ENCRYPTION_KEY`), shared by every replica; on `redis` when given (the caller keeps it),
 * otherwise on a connection of its own that `close()` ends. Without Redis: over `<keysDir>/keys.json`
 * (the layout of the CLI's `keys` commands; directory 0700, file 0600). Timing follows the
 * configuration: a next key is published at least the verifiers' JWKS cache age (plus a margin)
 * before it signs; a retired key stays published for the access-token lifetime (plus the margin).
 * Keys are generated with `signingAlg`; when the stored next key has another algorithm (SIGNING_ALG
 * was changed), a next key of `signingAlg` replaces it, published from now: the change takes effect
 * at the following rotation, like any new key. `logger` gets each key transition at info.
 */
export async function openKeyRing(
  config: Pick<
    AuthConfig,
    'keysDir' | 'jwksMaxAgeSeconds' | 'accessTokenTtlSeconds' | 'signingAlg' | 'redis' | 'keysEncryptionKey'
  > &
    Partial<Pick<AuthConfig, 'remoteSignerUrl' | 'remoteSignerSecret'>>,
  deps: Readonly<{ redis?: Redis; now?: () => number; logger?: IssuerLogger }> = {},
): Promise<OpenedKeyRing> {
  const maxJwksCacheAgeMs = config.jwksMaxAgeSeconds * 1000;
  if (config.remoteSignerUrl) {
    if (!config.remoteSignerSecret) throw new Error('REMOTE_SIGNER_SECRET is required when REMOTE_SIGNER_URL is set');
    const signer = await connectRemoteSigner({ url: config.remoteSignerUrl, clientSecret: config.remoteSignerSecret });
    const keyRing = await createExternalKeyRing({
      signer,
      maxJwksCacheAgeMs,
      maxTokenLifetimeSeconds: config.accessTokenTtlSeconds,
      now: deps.now,
    });
    return { keyRing, close: () => Promise.resolve() };
  }
  let own: Redis | undefined;
  let store: KeyStore;
  if (config.redis) {
    if (!config.keysEncryptionKey) throw new Error('KEYS_ENCRYPTION_KEY is required with Redis');
    const redis = deps.redis ?? (own = await connectRedis(config.redis));
    store = createRedisKeyStore(redis, { kek: config.keysEncryptionKey });
  } else {
    await mkdir(config.keysDir, { recursive: true, mode: 0o700 });
    await chmod(config.keysDir, 0o700);
    store = createFileKeyStore({ path: join(config.keysDir, KEY_FILE) });
  }
  const safetyMarginMs = Math.min(300_000, maxJwksCacheAgeMs);
  try {
    const keyRing = await createKeyRing({
      store,
      maxJwksCacheAgeMs,
      maxTokenLifetimeSeconds: config.accessTokenTtlSeconds,
      safetyMarginMs,
      checkIntervalMs: Math.min(60_000, safetyMarginMs / 2),
      algorithm: config.signingAlg,
      now: deps.now,
      logger: deps.logger,
    });
    const next = keyRing.keys().find((key) => key.state === 'next');
    if (next && next.alg !== config.signingAlg) await keyRing.prepareNextKey(config.signingAlg);
    return {
      keyRing,
      close: async () => {
        await keyRing.stop();
        own?.disconnect();
      },
    };
  } catch (error) {
    own?.disconnect();
    throw error;
  }
}
