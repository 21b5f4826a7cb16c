import { DEFAULT_JWS_ALGORITHMS, importHs256Secret, parseAlgorithmsOption, refuseRenamedOptions } from '@jwks-kit/core';
import type { KeyObject } from 'node:crypto';
import { checkLogger, type Logger } from '../logger.js';
import type {
  AccessTokenAlgorithm,
  AccessTokenVerifierOptions,
  JwksCacheOptions,
  RevocationCheck,
  TrustedIssuer,
} from '../access-token-verifier-options.js';
import type { KeySet } from '../key-set.js';
import { createRemoteKeySet, type RemoteKeySet } from '../remote-key-set.js';
import { resolveRemoteKeySetOptions } from './jwks-options.js';
import { isQuotableValue } from './challenge-syntax.js';
import { DEFAULT_REALM } from '../errors.js';

/** One trusted issuer, checked. */
export interface ResolvedIssuer {
  readonly issuer: string;
  readonly audiences: ReadonlySet<string>;
  readonly keySet: KeySet;
  /** The HS256 secret of a single-service issuer (then `keySet` answers it for any kid); `undefined` otherwise. */
  readonly secret: KeyObject | undefined;
}

/** {@link AccessTokenVerifierOptions} checked, defaults applied, key caches created. */
export interface ResolvedVerifierOptions {
  readonly issuers: ReadonlyMap<string, ResolvedIssuer>;
  readonly algorithms: readonly AccessTokenAlgorithm[];
  readonly algorithmSet: ReadonlySet<string>;
  /** Lower-cased accepted `typ` values; `undefined` accepts any. */
  readonly typ: ReadonlySet<string> | undefined;
  readonly leewaySeconds: number;
  readonly maxTokenLifetimeSeconds: number;
  readonly maxTokenAgeSeconds: number | undefined;
  readonly requiredClaims: readonly string[];
  readonly maxTokenBytes: number;
  readonly maxClaimsDepth: number;
  readonly verifiedTokenCacheSize: number;
  readonly denylist: RevocationCheck | undefined;
  readonly realm: string;
  readonly now: () => number;
  readonly logger: Logger | undefined;
  readonly spanPerRequest: boolean;
  /** Key caches created for `jwksUri` entries (closed with the verifier). */
  readonly ownedKeySets: readonly RemoteKeySet[];
}

const DEFAULT_TYP = ['at+jwt', 'application/at+jwt'];

/** Validates verifier options (TypeError naming the option) and applies the defaults. */
export function resolveVerifierOptions(options: AccessTokenVerifierOptions): ResolvedVerifierOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  refuseRenamedOptions(options, { maxLifetimeSeconds: '`maxTokenLifetimeSeconds`' });
  const algorithms = parseAlgorithmsOption(options.algorithms ?? DEFAULT_JWS_ALGORITHMS);
  const now = options.now ?? Date.now;
  if (typeof now !== 'function') throw new TypeError('option `now` must be a function returning milliseconds');
  const realm = options.realm ?? DEFAULT_REALM;
  if (typeof realm !== 'string' || realm.length === 0 || realm.length > 256 || !isQuotableValue(realm)) {
    throw new TypeError('option `realm` must be 1 to 256 printable ASCII characters without `"` or `\\`');
  }
  const denylist = options.denylist;
  if (
    denylist !== undefined &&
    (typeof denylist !== 'object' || denylist === null || typeof denylist.check !== 'function')
  ) {
    throw new TypeError('option `denylist` must be an object with a `check(claims)` method');
  }
  const requiredClaims = options.requiredClaims ?? [];
  if (!Array.isArray(requiredClaims) || !requiredClaims.every((name) => typeof name === 'string' && name.length > 0)) {
    throw new TypeError('option `requiredClaims` must be an array of claim names');
  }
  const maxTokenAgeSeconds =
    options.maxTokenAgeSeconds === undefined ? undefined : seconds(options.maxTokenAgeSeconds, 'maxTokenAgeSeconds', 1);
  const logger = checkLogger(options.logger);
  const entries = issuerEntries(options);
  // Every option is checked before anything is created: a bad option must not leave an orphaned key
  // cache fetching (and refreshing) a JWKS that nobody can close.
  const checked = {
    algorithms,
    algorithmSet: new Set(algorithms),
    typ: typOption(options.typ),
    leewaySeconds: seconds(options.leewaySeconds ?? 5, 'leewaySeconds', 0),
    maxTokenLifetimeSeconds: seconds(options.maxTokenLifetimeSeconds ?? 86_400, 'maxTokenLifetimeSeconds', 1),
    maxTokenAgeSeconds,
    requiredClaims: [...requiredClaims],
    maxTokenBytes: integer(options.maxTokenBytes ?? 8_192, 'maxTokenBytes', 64, 1_048_576),
    maxClaimsDepth: integer(options.maxClaimsDepth ?? 32, 'maxClaimsDepth', 1, 1_000),
    verifiedTokenCacheSize: integer(options.verifiedTokenCacheSize ?? 10_000, 'verifiedTokenCacheSize', 0, 10_000_000),
    denylist,
    realm,
    now,
    logger,
    spanPerRequest: flag(options.spanPerRequest, 'spanPerRequest'),
  };
  const secrets = entries.map((entry) =>
    entry.secret === undefined ? undefined : importHs256Secret(entry.secret, entry.secretOption),
  );
  const remoteOptions = entries.map((entry) =>
    entry.keySet === undefined && entry.secret === undefined
      ? { logger, ...entry.jwks, jwksUri: entry.jwksUri as string | URL, algorithms, now }
      : undefined,
  );
  for (const remote of remoteOptions) if (remote !== undefined) resolveRemoteKeySetOptions(remote);
  const ownedKeySets: RemoteKeySet[] = [];
  const issuers = new Map<string, ResolvedIssuer>();
  entries.forEach((entry, index) => {
    const remote = remoteOptions[index];
    const secret = secrets[index];
    let keySet = entry.keySet ?? (secret === undefined ? undefined : secretKeySet(secret));
    if (remote !== undefined) {
      const created = createRemoteKeySet(remote);
      ownedKeySets.push(created);
      keySet = created;
    }
    issuers.set(entry.issuer, {
      issuer: entry.issuer,
      audiences: new Set(audienceList(entry.audience, entry.audienceOption)),
      keySet: keySet as KeySet,
      secret,
    });
  });
  return { ...checked, issuers, ownedKeySets };
}

interface IssuerEntry {
  readonly audienceOption: string;
  readonly secretOption: string;
  readonly secret: unknown;
  readonly issuer: string;
  readonly audience: unknown;
  readonly keySet: KeySet | undefined;
  readonly jwksUri: unknown;
  readonly jwks: JwksCacheOptions | undefined;
}

function issuerEntries(options: AccessTokenVerifierOptions): IssuerEntry[] {
  const inline =
    options.issuer !== undefined ||
    options.audience !== undefined ||
    options.keySet !== undefined ||
    options.jwksUri !== undefined ||
    options.secret !== undefined;
  if (options.issuers !== undefined) {
    if (inline)
      throw new TypeError(
        'option `issuers` excludes `issuer`, `audience`, `keySet`, `jwksUri` and `secret`: give one form',
      );
    if (!Array.isArray(options.issuers) || options.issuers.length === 0)
      throw new TypeError('option `issuers` must be a non-empty array');
    const seen = new Set<string>();
    return options.issuers.map((entry: TrustedIssuer, index) => {
      const checked = issuerEntry(entry, `issuers[${index}]`);
      if (seen.has(checked.issuer)) throw new TypeError(`option \`issuers[${index}].issuer\` repeats an issuer`);
      seen.add(checked.issuer);
      return checked;
    });
  }
  return [issuerEntry(options, '')];
}

function issuerEntry(entry: TrustedIssuer | AccessTokenVerifierOptions, prefix: string): IssuerEntry {
  const name = (option: string) => (prefix ? `${prefix}.${option}` : option);
  if (typeof entry !== 'object' || entry === null) throw new TypeError(`option \`${prefix}\` must be an object`);
  if (typeof entry.issuer !== 'string' || entry.issuer.length === 0)
    throw new TypeError(`option \`${name('issuer')}\` must be a non-empty string`);
  const hasKeySet = entry.keySet !== undefined;
  const hasJwksUri = entry.jwksUri !== undefined;
  const hasSecret = entry.secret !== undefined;
  if (Number(hasKeySet) + Number(hasJwksUri) + Number(hasSecret) !== 1)
    throw new TypeError(
      `give exactly one of options \`${name('keySet')}\`, \`${name('jwksUri')}\` and \`${name('secret')}\` ` +
        '(an HS256 issuer never has a JWKS)',
    );
  if (hasKeySet && !isKeySet(entry.keySet))
    throw new TypeError(
      `option \`${name('keySet')}\` must be a KeySet (getKey, resolveKey, on('keyRemoved', listener))${renamedKeySetHint(entry.keySet)}`,
    );
  if (hasJwksUri && typeof entry.jwksUri !== 'string' && !(entry.jwksUri instanceof URL)) {
    throw new TypeError(`option \`${name('jwksUri')}\` must be a URL or a string`);
  }
  if (entry.jwks !== undefined && (typeof entry.jwks !== 'object' || entry.jwks === null))
    throw new TypeError(`option \`${name('jwks')}\` must be an object`);
  if (!hasJwksUri && entry.jwks !== undefined)
    throw new TypeError(`option \`${name('jwks')}\` applies to \`${name('jwksUri')}\` only`);
  audienceList(entry.audience, name('audience'));
  return {
    audienceOption: name('audience'),
    secretOption: name('secret'),
    secret: entry.secret,
    issuer: entry.issuer,
    audience: entry.audience,
    keySet: entry.keySet,
    jwksUri: entry.jwksUri,
    jwks: entry.jwks,
  };
}

/** The key set of an HS256 issuer: its one secret, whatever the kid; nothing is ever fetched or removed. */
function secretKeySet(secret: KeyObject): KeySet {
  return {
    getKey: () => secret,
    resolveKey: async () => secret,
    on: () => () => {},
  };
}

/** A KeySet written before `onKeyRemoved(listener)` became `on('keyRemoved', listener)` is told so. */
function renamedKeySetHint(value: unknown): string {
  const candidate = value as { on?: unknown; onKeyRemoved?: unknown } | null;
  return typeof candidate?.onKeyRemoved === 'function' && candidate.on === undefined
    ? ": onKeyRemoved(listener) was renamed on('keyRemoved', listener)"
    : '';
}

function isKeySet(value: unknown): value is KeySet {
  const candidate = value as Partial<KeySet> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.getKey === 'function' &&
    typeof candidate.resolveKey === 'function' &&
    typeof candidate.on === 'function'
  );
}

function audienceList(value: unknown, name: string): string[] {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || !list.every((aud) => typeof aud === 'string' && aud.length > 0)) {
    throw new TypeError(`option \`${name}\` must be a non-empty string or a non-empty array of them`);
  }
  return list as string[];
}

function typOption(value: string | readonly string[] | false | undefined): ReadonlySet<string> | undefined {
  if (value === false) return undefined;
  const list = value === undefined ? DEFAULT_TYP : typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || !list.every((typ) => typeof typ === 'string' && typ.length > 0)) {
    throw new TypeError('option `typ` must be a non-empty string, a non-empty array of them, or false');
  }
  return new Set(list.map((typ: string) => typ.toLowerCase()));
}

function seconds(value: unknown, name: string, min: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > 31_536_000) {
    throw new TypeError(`option \`${name}\` must be a number of seconds from ${min} to 31536000`);
  }
  return value;
}

function integer(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new TypeError(`option \`${name}\` must be an integer from ${min} to ${max}`);
  }
  return value;
}

function flag(value: unknown, name: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new TypeError(`option \`${name}\` must be a boolean`);
  return value;
}
