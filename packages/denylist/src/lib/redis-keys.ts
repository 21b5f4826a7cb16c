import type { Revocation } from './revocation-rules.js';

/** Which record a key holds, and for whom. */
export interface RedisKeyParts {
  readonly kind: Revocation['kind'];
  readonly ns: string;
  readonly id: string;
}

/** The one place Redis key and channel names come from. */
export interface RedisKeys {
  /** Revocation channel of this prefix (one for every issuer). */
  readonly channel: string;
  /** SCAN MATCH pattern covering every revocation key of this prefix. */
  readonly scanPattern: string;
  /**
   * `<prefix>{<base64url issuer>}:j:<jti>`, `…:s:<sub>` or `…:i:<sid>`. The hash tag is the issuer, so
   * all keys of one issuer share a Cluster slot: a lookup reads the jti, subject and session keys with one MGET.
   */
  key(parts: RedisKeyParts): string;
  /** The inverse of `key()`; undefined for a key this builder did not make. */
  parse(key: string): RedisKeyParts | undefined;
}

const GLOB_SPECIAL = /[*?[\]\\]/g;
const MARKERS = { jti: 'j', subject: 's', session: 'i' } as const;
const KINDS = { j: 'jti', s: 'subject', i: 'session' } as const;

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
  return {
    channel: `${keyPrefix}revocations`,
    scanPattern: `${keyPrefix.replace(GLOB_SPECIAL, '\\$&')}{*`,
    key: ({ kind, ns, id }) => `${head}${tagOf(ns)}}:${MARKERS[kind]}:${id}`,
    parse(key) {
      if (!key.startsWith(head)) return undefined;
      const close = key.indexOf('}', head.length);
      if (close < 0 || key[close + 1] !== ':' || key[close + 3] !== ':') return undefined;
      const marker = key[close + 2];
      if (marker !== 'j' && marker !== 's' && marker !== 'i') return undefined;
      const ns = Buffer.from(key.slice(head.length, close), 'base64url').toString('utf8');
      const id = key.slice(close + 4);
      if (ns.length === 0 || id.length === 0) return undefined;
      return { kind: KINDS[marker], ns, id };
    },
  };
}
