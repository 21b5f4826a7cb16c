import { chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createFileKeyStore, createKeyRing, type KeyRing } from '@jwks-kit/issuer';
import type { AuthConfig } from './config.js';

/** Name of the private key file inside `KEYS_DIR`. */
export const KEY_FILE = 'keys.json';

/**
 * Opens the key ring over `<keysDir>/keys.json (the layout of the CLI's `keys` commands)` (directory 0700, file 0600: the file store
 * refuses a file readable by others). Timing follows the configuration: a next key is published at
 * least the verifiers' JWKS cache age (plus a margin) before it signs; a retired key stays published
 * for the access-token lifetime (plus the margin). Keys are generated with `signingAlg`; when the
 * file's next key has another algorithm (SIGNING_ALG was changed), a next key of `signingAlg` replaces
 * it, published from now: the change takes effect at the following rotation, like any new key.
 */
export async function openKeyRing(
  config: Pick<AuthConfig, 'keysDir' | 'jwksMaxAgeSeconds' | 'accessTokenTtlSeconds' | 'signingAlg'>,
  now?: () => number,
): Promise<KeyRing> {
  await mkdir(config.keysDir, { recursive: true, mode: 0o700 });
  await chmod(config.keysDir, 0o700);
  const maxJwksCacheAgeMs = config.jwksMaxAgeSeconds * 1000;
  const safetyMarginMs = Math.min(300_000, maxJwksCacheAgeMs);
  const keyRing = await createKeyRing({
    store: createFileKeyStore({ path: join(config.keysDir, KEY_FILE) }),
    maxJwksCacheAgeMs,
    maxTokenLifetimeMs: config.accessTokenTtlSeconds * 1000,
    safetyMarginMs,
    checkIntervalMs: Math.min(60_000, safetyMarginMs / 2),
    algorithm: config.signingAlg,
    now,
  });
  const next = keyRing.keys().find((key) => key.state === 'next');
  if (next && next.alg !== config.signingAlg) await keyRing.prepareNextKey(config.signingAlg);
  return keyRing;
}
