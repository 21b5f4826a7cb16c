import type { Revocation } from './revocation-rules.js';

/** Which record a key holds, and for whom. */
export interface RedisKeyParts {
  readonly kind: Revocation['kind'];
  readonly ns: string;
  readonly id: string;
}

/** The one place Redis key names come from. */
export interface RedisKeys {
  /**
   * Stream announcing every revocation stream as it is created (`s` = stream key): mirrors follow it to
   * start reading a new issuer's stream. Outside any issuer's hash tag, so on a Cluster it has a slot of its own.
   */
  readonly registry: string;
  /** SCAN MATCH pattern covering every revocation key and every revocation stream of this prefix. */
  readonly scanPattern: string;
  /**
   * `<prefix>{<base64url issuer>}:j:<jti>`, `…:s:<sub>` or `…:i:<sid>`. The hash tag is the issuer, so
   * all keys of one issuer share a Cluster slot: a lookup reads the jti, subject and session keys with one MGET.
   */
  key(parts: RedisKeyParts): string;
  /** `<prefix>{<base64url issuer>}:log`: the revocation stream of an issuer, in the slot of its keys. */
  stream(ns: string): string;
  /** The stream key a revocation key is logged in (same hash tag). */
  streamOfKey(key: string): string;
  /** True for a stream key this builder made. */
  isStream(key: string): boolean;
  /** The inverse of `key()`; undefined for a key this builder did not make (streams included). */
  parse(key: string): RedisKeyParts | undefined;
  /**
   * `<prefix>{<base64url jkt>}:p:<jti>` for a DPoP replay key `jkt:jti` (the text before the first `:` is the
   * hash tag, the rest the id): every proof of one client key in one slot, client keys spread over the masters.
   * Never parsed as a revocation (`parse()` answers undefined for it).
   */
  replay(replayKey: string): string;
}

const GLOB_SPECIAL = /[*?[\]\\]/g;
const MARKERS = { jti: 'j', subject: 's', session: 'i' } as const;
const KINDS = { j: 'jti', s: 'subject', i: 'session' } as const;
const STREAM_SUFFIX = '}:log';

/** Creates the key builder for `keyPrefix` (which must not contain `{` or `}`: the hash tag is ours). */
export function createRedisKeys(keyPrefix: string): RedisKeys {
  const head = `${keyPrefix}{`;
  const tags = new Map<string, string>();
  const tagOf = (ns: string): string => {
    let tag = tags.get(ns);
    if (tag === undefined) {
      tag = Buffer.from(ns, 'utf8').toString('base64url');
      if (tags.size < 64) tags.set(ns, tag);
    }
    return tag;
  };
  const namespaces = new Map<string, string>();
  const nsOf = (tag: string): string => {
    let ns = namespaces.get(tag);
    if (ns === undefined) {
      ns = Buffer.from(tag, 'base64url').toString('utf8');
      if (namespaces.size < 64) namespaces.set(tag, ns);
    }
    return ns;
  };
  return {
    registry: `${keyPrefix}streams`,
    scanPattern: `${keyPrefix.replace(GLOB_SPECIAL, '\\$&')}{*`,
    key: ({ kind, ns, id }) => `${head}${tagOf(ns)}}:${MARKERS[kind]}:${id}`,
    stream: (ns) => `${head}${tagOf(ns)}${STREAM_SUFFIX}`,
    streamOfKey: (key) => `${key.slice(0, key.indexOf('}', head.length))}${STREAM_SUFFIX}`,
    isStream: (key) =>
      key.startsWith(head) && key.endsWith(STREAM_SUFFIX) && key.indexOf('}', head.length) === key.length - 5,
    replay(replayKey) {
      const colon = replayKey.indexOf(':');
      const ns = colon < 0 ? replayKey : replayKey.slice(0, colon);
      const id = colon < 0 ? '' : replayKey.slice(colon + 1);
      return `${head}${tagOf(ns)}}:p:${id}`;
    },
    parse(key) {
      if (!key.startsWith(head)) return undefined;
      const close = key.indexOf('}', head.length);
      if (close < 0 || key[close + 1] !== ':' || key[close + 3] !== ':') return undefined;
      const marker = key[close + 2];
      if (marker !== 'j' && marker !== 's' && marker !== 'i') return undefined;
      const ns = nsOf(key.slice(head.length, close));
      const id = key.slice(close + 4);
      if (ns.length === 0 || id.length === 0) return undefined;
      return { kind: KINDS[marker], ns, id };
    },
  };
}
