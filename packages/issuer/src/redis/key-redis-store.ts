import type { Cluster, Redis } from 'ioredis';
import { IssuerError } from '../issuer-error.js';
import type { KeyStore, StoredKey, StoredKeySet } from '../key-store.js';
import { type Kek, openPrivatePart, sealPrivatePart, toKek } from '../lib/key-encryption.js';
import { decodeKeyLifecycleTimes } from '../lib/key-lifecycle-record.js';
import { parseKeySet } from '../lib/parse-key-set.js';
import { SIGNING_KEY_TYPES } from '../lib/signing-key-types.js';
import { createKeyRingRedisKeys } from './key-ring-redis-keys.js';
import { KEY_RING_SAVE_LUA } from './key-ring-save-script.js';

/** Options of {@link createRedisKeyStore}. */
export type RedisKeyStoreOptions = Readonly<{
  /** Key-encryption key (32 random bytes) that seals every private key with AES-256-GCM. Required. */
  kek: Uint8Array;
  /** Former KEKs, used only to read records during a KEK rotation (`rewrap()` then seals under `kek`). @default [] */
  previousKeks?: readonly Uint8Array[];
  /** Prepended to every key; must not contain `{` or `}`. @default 'jwks-kit:keys:' */
  keyPrefix?: string;
  /** Compare-and-set attempts of one `update()` before `ERR_KEY_STORE_CONFLICT`. @default 10 */
  maxAttempts?: number;
}>;

/** Public part of a stored key (no private member): kty, public members, kid, alg, use, state and times; readable without the KEK. */
export type PublicStoredKey = StoredKey extends infer K
  ? K extends StoredKey
    ? Omit<K, PrivateMember>
    : never
  : never;

type PrivateMember = 'd' | 'p' | 'q' | 'dp' | 'dq' | 'qi';

/** A {@link KeyStore} in Redis, with `loadPublic()`, `rewrap()` and the names it uses. */
export interface RedisKeyStore extends KeyStore {
  /** Follows {@link channel} on a duplicate of the client (one extra connection per watching ring). */
  watch(onChange: () => void, onError: (error: unknown) => void): () => void;
  /** Public keys with states and times, without opening any private part (serves a JWKS before the KEK is present). */
  loadPublic(): Promise<{ version: number; keys: readonly PublicStoredKey[] } | undefined>;
  /** Re-seals every private key under the current `kek` (KEK rotation); answers the number of keys re-sealed. */
  rewrap(): Promise<number>;
  /** Pub/sub channel on which every written version is announced (subscribe and `reload()` the key ring). */
  readonly channel: string;
}

const SAVE_COMMAND = 'jwksKitKeyRingSaveV1';

type SaveCommand = (ring: string, ...args: string[]) => Promise<[number, string]>;
type Snapshot = { version: string; set: StoredKeySet | undefined };

/**
 * A {@link KeyStore} that several issuer replicas share through Redis (standalone, Sentinel or Cluster).
 * Private members are stored only sealed with AES-256-GCM under the operator's KEK, each key on its
 * own with kid and state bound as associated data; public members, states and times are stored in
 * clear (they are published in the JWKS anyway). Every write is one compare-and-set script on the
 * ring's version: `update()` re-reads and re-runs its mutation when another replica won, so the
 * loser adopts the winner's ring and one transition happens per step. A record this KEK cannot open
 * makes `load()` throw (`ERR_KEK_MISMATCH`, `ERR_KEY_RECORD_TAMPERED`): never a silent new key ring.
 */
export function createRedisKeyStore(client: Redis | Cluster, options: RedisKeyStoreOptions): RedisKeyStore {
  if (typeof client?.defineCommand !== 'function') throw new TypeError('client must be an ioredis Redis or Cluster');
  if (options === undefined || options.kek === undefined)
    throw new TypeError(
      'option `kek` is required: a 32-byte key-encryption key (private keys are never stored in clear)',
    );
  const kek = toKek(options.kek, 'option `kek`');
  const keks: Kek[] = [kek, ...(options.previousKeks ?? []).map((k, i) => toKek(k, `option \`previousKeks[${i}]\``))];
  const keyPrefix = options.keyPrefix ?? 'jwks-kit:keys:';
  if (typeof keyPrefix !== 'string' || /[{}]/.test(keyPrefix))
    throw new TypeError('option `keyPrefix` must be a string without { or }');
  const maxAttempts = options.maxAttempts ?? 10;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1)
    throw new TypeError('option `maxAttempts` must be a positive integer');
  const names = createKeyRingRedisKeys(keyPrefix);
  if (!(SAVE_COMMAND in client)) client.defineCommand(SAVE_COMMAND, { numberOfKeys: 1, lua: KEY_RING_SAVE_LUA });
  const save = (client as unknown as Record<string, SaveCommand>)[SAVE_COMMAND]!.bind(client);

  const readRaw = async () => {
    const fields = await client.hgetall(names.ring);
    if (fields.version === undefined || fields.public === undefined) return undefined;
    try {
      return { version: fields.version, publicKeys: decodePublicKeys(fields.public), fields };
    } catch (error) {
      throw malformed(error);
    }
  };

  // The last opened snapshot, reused while every field read back is identical (a scheduled re-read of an
  // unchanged ring then costs one HGETALL: no decryption, no thumbprints).
  let opened: { fields: Record<string, string>; snapshot: Snapshot } | undefined;
  const sameFields = (a: Record<string, string>, b: Record<string, string>) => {
    const names = Object.keys(a);
    return names.length === Object.keys(b).length && names.every((name) => a[name] === b[name]);
  };

  const read = async (): Promise<Snapshot> => {
    const raw = await readRaw();
    if (!raw) return { version: '0', set: undefined };
    if (opened && sameFields(opened.fields, raw.fields)) return opened.snapshot;
    const keys = raw.publicKeys.map((pub) => {
      const sealed = raw.fields[`sealed:${pub.kid}`];
      if (sealed === undefined)
        throw new IssuerError('ERR_KEY_RECORD_TAMPERED', `private part of key ${pub.kid} is missing from Redis`);
      return { ...pub, ...(JSON.parse(openPrivatePart(keks, pub.kid, pub.state, sealed)) as object) };
    });
    const snapshot = {
      version: raw.version,
      set: await parseKeySet({ keys }).catch((e: unknown) => Promise.reject(malformed(e))),
    };
    opened = { fields: raw.fields, snapshot };
    return snapshot;
  };

  const write = async (expected: string, set: StoredKeySet) => {
    const publicKeys: PublicStoredKey[] = [];
    const sealed: string[] = [];
    for (const key of set.keys) {
      const { pub, secret } = splitPrivateMembers(key);
      publicKeys.push(pub);
      sealed.push(key.kid, sealPrivatePart(kek, key.kid, key.state, JSON.stringify(secret)));
    }
    const [written] = await save(names.ring, expected, names.channel, JSON.stringify(publicKeys), ...sealed);
    return Number(written) === 1;
  };

  const update: RedisKeyStore['update'] & {} = async (mutate) => {
    for (let attempt = 0; attempt < maxAttempts; attempt += 1) {
      const current = await read();
      const next = await mutate(current.set);
      if (next === undefined) return current.set;
      if (await write(current.version, next)) return next;
    }
    throw new IssuerError('ERR_KEY_STORE_CONFLICT', `key ring changed ${maxAttempts} times during one update`);
  };

  const watch: RedisKeyStore['watch'] = (onChange, onError) => {
    const overrides = { lazyConnect: false, enableOfflineQueue: true };
    const subscriber = client.isCluster
      ? (client as Cluster).duplicate(undefined, overrides)
      : (client as Redis).duplicate(overrides);
    let subscribed = false;
    subscriber.on('message', (channel: string) => {
      if (channel === names.channel) onChange();
    });
    subscriber.on('error', onError);
    // After a reconnection ioredis re-subscribes, but announcements sent meanwhile are lost: re-read.
    subscriber.on('ready', () => {
      if (subscribed) onChange();
    });
    subscriber.subscribe(names.channel).then(() => {
      subscribed = true;
      onChange();
    }, onError);
    return () => subscriber.disconnect();
  };

  return {
    watch,
    load: async () => (await read()).set,
    save: async (set) => {
      await update(async () => set);
    },
    update,
    loadPublic: async () => {
      const raw = await readRaw();
      return raw && { version: Number(raw.version), keys: raw.publicKeys };
    },
    rewrap: async () => {
      const result = await update(async (current) => current);
      return result?.keys.length ?? 0;
    },
    channel: names.channel,
  };
}

/** Splits a key into what is stored in clear and the private members of its key type (sealed). */
function splitPrivateMembers(key: StoredKey): { pub: PublicStoredKey; secret: Record<string, string> } {
  const pub: Record<string, unknown> = { ...key };
  const secret: Record<string, string> = {};
  for (const name of SIGNING_KEY_TYPES[key.alg].privateMembers) {
    secret[name] = pub[name] as string;
    delete pub[name];
  }
  return { pub: pub as PublicStoredKey, secret };
}

/**
 * The public records as stored (JSON array), each through the one key-record decoder: times under their
 * current names, or under their 0.1 names in a ring written before the rename.
 */
function decodePublicKeys(json: string): PublicStoredKey[] {
  const records: unknown = JSON.parse(json);
  if (!Array.isArray(records)) throw new Error('public records are not an array');
  return records.map((record: unknown, index) => {
    if (typeof record !== 'object' || record === null) throw new Error(`public[${index}] is not an object`);
    return decodeKeyLifecycleTimes(record as Record<string, unknown>, `public[${index}]`) as PublicStoredKey;
  });
}

/** A malformed record (bad JSON, a missing or non-numeric time, …) as `ERR_KEY_RECORD_TAMPERED`. */
function malformed(error: unknown): IssuerError {
  if (error instanceof IssuerError) return error;
  return new IssuerError('ERR_KEY_RECORD_TAMPERED', `key ring in Redis is malformed (${(error as Error).message})`, {
    cause: error,
  });
}
