import type { Cluster, Redis } from 'ioredis';
import { RefreshTokenError } from '../sessions/refresh-token-error.js';
import type { RefreshFamily, RefreshTokenStore, RotateRefreshTokenOutcome } from '../sessions/refresh-token-store.js';
import { REFRESH_CREATE_LUA } from './refresh-create-script.js';
import { REFRESH_END_LUA } from './refresh-end-script.js';
import { familyFields, familyFromFlat } from './refresh-family-record.js';
import { REFRESH_FIND_LUA } from './refresh-find-script.js';
import { REFRESH_INDEX_LUA } from './refresh-index-script.js';
import { createRefreshRedisKeys } from './refresh-redis-keys.js';
import { REFRESH_ROTATE_LUA } from './refresh-rotate-script.js';

/** Options of {@link createRedisRefreshTokenStore}. */
export type RedisRefreshTokenStoreOptions = Readonly<{
  /** Prepended to every key; must not contain `{` or `}` (the hash tag is the family id). @default 'jwks-kit:refresh:' */
  keyPrefix?: string;
  /** A call not answered within this time rejects with `ERR_REFRESH_STORE_UNAVAILABLE`. @default 2_000 */
  commandTimeoutMs?: number;
  /**
   * Replicas that must hold each family creation, rotation and end before it resolves (`WAIT n
   * commandTimeoutMs` on the same connection; fewer acknowledgements reject with
   * `ERR_REFRESH_STORE_UNAVAILABLE`). With Sentinel, 1 means a rotation the client was told about survives
   * the primary's death, so the promoted replica never accepts the rotated token as the head (no fork).
   * Costs one replication round trip per write. Standalone or Sentinel clients only. @default 0
   */
  waitForReplicas?: number;
}>;

/** Versioned command names: a changed script gets a new name, so old and new code can share a client. */
const COMMANDS = {
  create: ['jwksKitRefreshCreateV2', 1, REFRESH_CREATE_LUA],
  find: ['jwksKitRefreshFindV1', 2, REFRESH_FIND_LUA],
  rotate: ['jwksKitRefreshRotateV3', 2, REFRESH_ROTATE_LUA],
  end: ['jwksKitRefreshEndV3', 2, REFRESH_END_LUA],
  index: ['jwksKitRefreshIndexV1', 1, REFRESH_INDEX_LUA],
} as const;

type ScriptCommand = (...args: string[]) => Promise<unknown>;
type Flat = readonly string[];

/**
 * A {@link RefreshTokenStore} in Redis (standalone or Cluster). Rotation is one Lua script, so a
 * family cannot fork even when Redis fails mid-request; the keys of a family share the family id
 * as hash tag. Tokens appear only as SHA-256 hashes, successors only sealed under their
 * predecessor. The client is the caller's: configure its retries (e.g. `maxRetriesPerRequest: 1`);
 * the store never quits it. A call that fails or times out rejects with a `RefreshTokenError` of
 * code `ERR_REFRESH_STORE_UNAVAILABLE`; a rotation that committed without an answer is recovered
 * by presenting the same token again inside the grace window.
 */
export function createRedisRefreshTokenStore(
  client: Redis | Cluster,
  options: RedisRefreshTokenStoreOptions = {},
): RefreshTokenStore {
  if (client === null || typeof client !== 'object' || typeof client.defineCommand !== 'function') {
    throw new TypeError('client must be an ioredis Redis or Cluster instance');
  }
  const keyPrefix = options.keyPrefix ?? 'jwks-kit:refresh:';
  if (typeof keyPrefix !== 'string' || keyPrefix.length > 256 || /[{}]/.test(keyPrefix)) {
    throw new TypeError('option `keyPrefix` must be a string of at most 256 characters without { or }');
  }
  const commandTimeoutMs = options.commandTimeoutMs ?? 2_000;
  if (!Number.isSafeInteger(commandTimeoutMs) || commandTimeoutMs <= 0) {
    throw new TypeError('option `commandTimeoutMs` must be a positive integer number of milliseconds');
  }
  const waitForReplicas = options.waitForReplicas ?? 0;
  if (!Number.isSafeInteger(waitForReplicas) || waitForReplicas < 0)
    throw new TypeError('option `waitForReplicas` must be a non-negative integer');
  if (waitForReplicas > 0 && (client as Cluster).isCluster)
    throw new TypeError('option `waitForReplicas` needs a standalone or Sentinel client (WAIT is per connection)');
  const keys = createRefreshRedisKeys(keyPrefix);
  const commands = client as unknown as Record<string, ScriptCommand | undefined>;
  for (const [name, numberOfKeys, lua] of Object.values(COMMANDS)) {
    if (typeof commands[name] !== 'function') client.defineCommand(name, { numberOfKeys, lua });
  }

  let lastError: RefreshTokenError | undefined;
  const call = <T>(start: () => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const fail = (cause: unknown) => {
        lastError = new RefreshTokenError('ERR_REFRESH_STORE_UNAVAILABLE', 'The refresh-token store is unavailable.', {
          cause,
        });
        reject(lastError);
      };
      const timer = setTimeout(
        () => fail(new Error(`Redis did not answer within ${commandTimeoutMs} ms`)),
        commandTimeoutMs,
      );
      let pending: Promise<T>;
      try {
        pending = start();
      } catch (cause) {
        clearTimeout(timer);
        fail(cause);
        return;
      }
      pending.then(
        (value) => {
          clearTimeout(timer);
          lastError = undefined;
          resolve(value);
        },
        (cause: unknown) => {
          clearTimeout(timer);
          fail(cause);
        },
      );
    });
  const script = (command: keyof typeof COMMANDS, ...args: string[]) =>
    call(() => (commands[COMMANDS[command][0]] as ScriptCommand).call(client, ...args));
  /** A write script, then (with `waitForReplicas`) WAIT on the same connection, inside one timeout. */
  const durable = (command: 'create' | 'rotate' | 'end', ...args: string[]) =>
    waitForReplicas === 0
      ? script(command, ...args)
      : call(async () => {
          const result = await (commands[COMMANDS[command][0]] as ScriptCommand).call(client, ...args);
          const acknowledged = await (client as Redis).wait(waitForReplicas, commandTimeoutMs);
          if (acknowledged < waitForReplicas)
            throw new Error(`${acknowledged} of ${waitForReplicas} replicas acknowledged the write`);
          return result;
        });

  /** Best effort: a lingering index entry only names a family that no longer exists. */
  const unindex = (family: RefreshFamily): void => {
    call(() => client.srem(keys.subject(family.sub), family.familyId)).catch(() => undefined);
  };

  /**
   * A failure stays unresolved until a command succeeds; with the connection back, a readiness probe may be the
   * only caller left (a service not ready gets no traffic), so health() then sends one PING (at most one in flight)
   * whose answer resolves it for the next probe.
   */
  let probing = false;
  const probe = () => {
    if (probing) return;
    probing = true;
    call(() => client.ping())
      .catch(() => undefined)
      .finally(() => (probing = false));
  };

  return {
    health: () => {
      if (lastError !== undefined && client.status === 'ready') probe();
      return {
        state: client.status === 'ready' && lastError === undefined ? 'ok' : 'failing',
        kind: 'redis',
        connection: client.status,
        lastError,
      };
    },
    async create(family) {
      const k = keys.family(family.familyId);
      const px = String(Math.max(1, family.expiresAtMs - family.createdAtMs));
      await script(
        'index',
        keys.subject(family.sub),
        family.familyId,
        String(family.absoluteExpiresAtMs - family.createdAtMs),
      );
      await durable('create', k.family, px, ...familyFields(family));
    },
    async find(familyId, tokenHash) {
      const k = keys.family(familyId);
      const found = (await script('find', k.family, k.rotated, tokenHash)) as [string, Flat] | null;
      if (!found) return undefined;
      return { state: found[0] === 'head' ? 'head' : 'rotated', family: familyFromFlat(familyId, found[1]) };
    },
    async rotate(request): Promise<RotateRefreshTokenOutcome> {
      const k = keys.family(request.familyId);
      const [kind, sealed, flat] = (await durable(
        'rotate',
        k.family,
        k.rotated,
        request.presentedHash,
        request.successorHash,
        request.sealedSuccessor,
        String(request.nowMs),
        String(request.graceMs),
        String(request.idleTimeoutMs),
      )) as [string, string, Flat];
      if (kind === 'invalid') return { kind };
      const family = familyFromFlat(request.familyId, flat);
      if (kind === 'replayed') return { kind, family, sealedSuccessor: sealed };
      if (kind === 'reused' || kind === 'expired') unindex(family);
      return { kind: kind as 'rotated' | 'reused' | 'expired', family };
    },
    async end(familyId) {
      const k = keys.family(familyId);
      const ended = (await durable('end', k.family, k.rotated)) as Flat | null;
      if (!ended) return undefined;
      const family = familyFromFlat(familyId, ended);
      unindex(family);
      return family;
    },
    async familiesOf(sub) {
      return call(() => client.smembers(keys.subject(sub)));
    },
  };
}
