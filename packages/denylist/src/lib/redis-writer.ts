import type { Cluster, Redis } from 'ioredis';
import { DenylistError } from '../errors.js';
import { encodeMessage, encodeValue } from './redis-entry.js';
import type { RedisKeys } from './redis-keys.js';
import type { Revocation } from './revocation-rules.js';
import { REVOKE_JTI_LUA } from './scripts/revoke-jti.js';
import { REVOKE_SUBJECT_LUA } from './scripts/revoke-subject.js';
import { withTimeout } from './with-timeout.js';

/** Versioned command names: a changed script gets a new name, so old and new code can share a client. */
const REVOKE_JTI_COMMAND = 'jwksKitDenylistRevokeJtiV1';
const REVOKE_SUBJECT_COMMAND = 'jwksKitDenylistRevokeSubjectV1';

type ScriptCommand = (key: string, ...args: string[]) => Promise<number>;

/** Writes a revocation and publishes it (one Lua script); rejects with `ERR_REVOCATION_FAILED`. */
export type RevocationWriter = (revocation: Revocation) => Promise<void>;

/** Defines the scripts on `client` (once per client) and returns the writer. */
export function createRevocationWriter(
  client: Redis | Cluster,
  keys: RedisKeys,
  now: () => number,
  writeTimeoutMs: number,
): RevocationWriter {
  const commands = client as unknown as Record<string, ScriptCommand | undefined>;
  if (typeof commands[REVOKE_JTI_COMMAND] !== 'function')
    client.defineCommand(REVOKE_JTI_COMMAND, { numberOfKeys: 1, lua: REVOKE_JTI_LUA });
  if (typeof commands[REVOKE_SUBJECT_COMMAND] !== 'function')
    client.defineCommand(REVOKE_SUBJECT_COMMAND, { numberOfKeys: 1, lua: REVOKE_SUBJECT_LUA });

  return async (revocation) => {
    const nowMs = now();
    const px = Math.ceil(revocation.expiresAtMs - nowMs);
    if (px <= 0) return;
    const key = keys.key(revocation);
    const value = encodeValue(revocation);
    const message = encodeMessage(nowMs, value, key);
    const run = (name: string, ...args: string[]) => (commands[name] as ScriptCommand).call(client, key, ...args);
    const call =
      revocation.kind === 'jti'
        ? run(REVOKE_JTI_COMMAND, value, String(px), keys.channel, message)
        : run(REVOKE_SUBJECT_COMMAND, String(revocation.at), value, String(px), keys.channel, message);
    try {
      await withTimeout(call, writeTimeoutMs, () => new Error(`Redis did not answer within ${writeTimeoutMs} ms`));
    } catch (cause) {
      throw new DenylistError(
        'ERR_REVOCATION_FAILED',
        'the revocation could not be written to Redis; it did not take effect',
        { cause },
      );
    }
  };
}
