import type { Cluster, Redis } from 'ioredis';
import { DenylistError } from '../errors.js';
import { encodeValue } from './redis-entry.js';
import type { RedisKeys } from './redis-keys.js';
import type { Revocation } from './revocation-rules.js';
import { REVOKE_JTI_LUA } from './scripts/revoke-jti.js';
import { REVOKE_SUBJECT_LUA } from './scripts/revoke-subject.js';
import { withTimeout } from './with-timeout.js';

/** Versioned command names: a changed script gets a new name, so old and new code can share a client. */
const REVOKE_JTI_COMMAND = 'jwksKitDenylistRevokeJtiV2';
const REVOKE_SUBJECT_COMMAND = 'jwksKitDenylistRevokeSubjectV2';
/** Registry entries kept (approximately): mirrors read it only to learn of streams created after their load. */
const REGISTRY_MAX_ENTRIES = '1000';

type ScriptCommand = (...args: string[]) => Promise<number>;

/** Writes a revocation and appends it to its stream (one Lua script); rejects with `ERR_REVOCATION_FAILED`. */
export type RevocationWriter = (revocation: Revocation) => Promise<void>;

/** What the writer needs, already validated. */
export interface WriterConfig {
  readonly client: Redis | Cluster;
  readonly keys: RedisKeys;
  readonly now: () => number;
  readonly writeTimeoutMs: number;
  /** How long stream entries are kept: past it every revocation they carry has expired. */
  readonly streamRetentionMs: number;
  /** Replicas that must acknowledge each write (`WAIT`) before it resolves; 0 = none. */
  readonly waitForReplicas: number;
}

/**
 * Defines the scripts on `client` (once per client) and returns the writer. When a write creates an
 * issuer's stream (entry 1), or is the first of this process for that stream, the stream is announced on
 * the registry stream so that running mirrors start following it.
 */
export function createRevocationWriter(config: WriterConfig): RevocationWriter {
  const { client, keys, now, writeTimeoutMs } = config;
  const retention = String(Math.ceil(config.streamRetentionMs));
  const commands = client as unknown as Record<string, ScriptCommand | undefined>;
  if (typeof commands[REVOKE_JTI_COMMAND] !== 'function')
    client.defineCommand(REVOKE_JTI_COMMAND, { numberOfKeys: 2, lua: REVOKE_JTI_LUA });
  if (typeof commands[REVOKE_SUBJECT_COMMAND] !== 'function')
    client.defineCommand(REVOKE_SUBJECT_COMMAND, { numberOfKeys: 2, lua: REVOKE_SUBJECT_LUA });
  const announced = new Set<string>();

  const writeOnce = async (revocation: Revocation): Promise<void> => {
    const nowMs = now();
    const px = Math.ceil(revocation.expiresAtMs - nowMs);
    if (px <= 0) return;
    const key = keys.key(revocation);
    const stream = keys.stream(revocation.ns);
    const value = encodeValue(revocation);
    const run = (name: string, ...args: string[]) =>
      (commands[name] as ScriptCommand).call(client, key, stream, ...args);
    const n =
      revocation.kind === 'jti'
        ? await run(REVOKE_JTI_COMMAND, value, String(px), retention, String(nowMs))
        : await run(REVOKE_SUBJECT_COMMAND, String(revocation.at), value, String(px), retention, String(nowMs));
    if (n === 1 || (n > 1 && !announced.has(stream))) {
      await client.xadd(keys.registry, 'MAXLEN', '~', REGISTRY_MAX_ENTRIES, '*', 's', stream);
      if (announced.size < 1024) announced.add(stream);
    }
    // Same connection, after the write: the primary answers once that many replicas hold everything written so far.
    if (config.waitForReplicas > 0) {
      const acknowledged = await (client as Redis).wait(config.waitForReplicas, writeTimeoutMs);
      if (acknowledged < config.waitForReplicas)
        throw new Error(`${acknowledged} of ${config.waitForReplicas} replicas acknowledged the write`);
    }
  };

  return async (revocation) => {
    try {
      await withTimeout(
        writeOnce(revocation),
        writeTimeoutMs,
        () => new Error(`Redis did not answer within ${writeTimeoutMs} ms`),
      );
    } catch (cause) {
      throw new DenylistError(
        'ERR_REVOCATION_FAILED',
        'the revocation could not be written to Redis; it did not take effect',
        { cause },
      );
    }
  };
}
