import type { Cluster, Redis } from 'ioredis';
import { DenylistError } from './errors.js';
import { createRedisKeys } from './lib/redis-keys.js';
import { optionalNumber } from './lib/validate-options.js';
import { withTimeout } from './lib/with-timeout.js';

/** Options of {@link createRedisDpopReplayStore}. */
export type RedisDpopReplayStoreOptions = Readonly<{
  /** Prefix of every key; must not contain `{` or `}`. @default 'jwks-kit:dpop:' */
  keyPrefix?: string;
  /** Bound of one `SET NX PX` round trip; past it `useOnce` rejects with `ERR_REPLAY_STORE_UNAVAILABLE`. @default 500 */
  commandTimeoutMs?: number;
}>;

/**
 * A DPoP proof replay store shared by every replica (the `DpopReplayStore` of `@jwks-kit/core`): a proof's
 * `jkt:jti` is accepted once within its window.
 */
export interface RedisDpopReplayStore {
  /**
   * Records `key` for `ttlMs`: resolves true the first time, false while it is recorded (a replay). Rejects with
   * `DenylistError` `ERR_REPLAY_STORE_UNAVAILABLE` (`retryAfterSeconds: 1`) when Redis does not answer within
   * `commandTimeoutMs`: callers fail closed (503), never accept the proof.
   */
  useOnce(key: string, ttlMs: number): Promise<boolean>;
}

const MAX_KEY_LENGTH = 1024;
const MAX_TTL_MS = 86_400_000;

/**
 * Creates a DPoP replay store in Redis (standalone, Sentinel or Cluster ioredis client, as the denylist takes
 * them): one `SET <key> 1 NX PX <ttl>` per proof, keys from the denylist's key builder with the proof key's
 * thumbprint as hash tag. The client is the caller's and is never closed. Give it `enableOfflineQueue: false`
 * so that commands fail at once while disconnected.
 */
export function createRedisDpopReplayStore(
  client: Redis | Cluster,
  options: RedisDpopReplayStoreOptions = {},
): RedisDpopReplayStore {
  if (client === null || typeof client !== 'object' || typeof client.set !== 'function') {
    throw new TypeError('client must be an ioredis Redis or Cluster instance');
  }
  if (options === null || typeof options !== 'object') throw new TypeError('options must be an object');
  const keyPrefix = options.keyPrefix ?? 'jwks-kit:dpop:';
  if (typeof keyPrefix !== 'string' || keyPrefix.length > 256 || /[{}]/.test(keyPrefix)) {
    throw new TypeError('option `keyPrefix` must be a string of at most 256 characters without { or }');
  }
  const commandTimeoutMs = optionalNumber('commandTimeoutMs', options.commandTimeoutMs, 500, 1, 2_147_483_647);
  const keys = createRedisKeys(keyPrefix);
  const timedOut = () => new Error(`Redis did not answer within ${commandTimeoutMs} ms`);

  return {
    async useOnce(key, ttlMs) {
      if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH)
        throw new DenylistError(
          'ERR_INVALID_REPLAY_KEY',
          `the replay key must be a string of 1 to ${MAX_KEY_LENGTH} characters`,
        );
      if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs < 1 || ttlMs > MAX_TTL_MS)
        throw new DenylistError('ERR_INVALID_REPLAY_KEY', `the replay ttl must be from 1 to ${MAX_TTL_MS} ms`);
      let answer: 'OK' | null;
      try {
        answer = await withTimeout(
          client.set(keys.replay(key), '1', 'PX', Math.ceil(ttlMs), 'NX'),
          commandTimeoutMs,
          timedOut,
        );
      } catch (cause) {
        throw new DenylistError('ERR_REPLAY_STORE_UNAVAILABLE', 'the DPoP replay store could not record the proof', {
          cause,
          retryAfterSeconds: 1,
        });
      }
      return answer === 'OK';
    },
  };
}
