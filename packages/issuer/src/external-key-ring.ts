import type { KeyInfo, KeyRing, PublicJwks } from './create-key-ring.js';
import { IssuerError } from './issuer-error.js';
import { parsePublicSigningKey, type PublicSigningKey } from './lib/public-signing-key.js';
import type { RemoteSigner } from './remote-signer.js';

/** Options of {@link createExternalKeyRing}. */
export type ExternalKeyRingOptions = Readonly<{
  /** The signer of every token: one from `createRemoteSigner()`, whose private key lives elsewhere. */
  signer: RemoteSigner;
  /**
   * The public JWK of the remote key that signs after the next deployment, published from now on. Give
   * it for at least `maxJwksCacheAgeMs` before making it the `signer`, so that every verifier's cached
   * JWKS holds it before its first token.
   */
  nextKey?: Readonly<Record<string, unknown>>;
  /**
   * Public JWKs of keys that signed before `signer`, still published. Keep each for at least
   * `maxTokenLifetimeSeconds` after it stopped signing, so that its tokens verify until they expire.
   * @default []
   */
  retiredKeys?: readonly Readonly<Record<string, unknown>>[];
  /** The longest time any verifier keeps a JWKS copy: the JWKS response's `max-age`. Required. */
  maxJwksCacheAgeMs: number;
  /** The longest access-token lifetime the issuer signs, in seconds (`exp − iat`). Required. */
  maxTokenLifetimeSeconds: number;
  /** Clock in milliseconds since the epoch (the `createdAtMs` of the keys' info). @default Date.now */
  now?: () => number;
}>;

/**
 * A {@link KeyRing} over keys that live outside jwks-kit (a signing service, a KMS, an HSM): it signs
 * with `options.signer` and publishes its public key, the `nextKey` and the `retiredKeys`. Hand it to
 * `createAccessTokenSigner()` and `jwksHandler()` like any key ring. Rotation happens where the keys
 * are, by configuration (see the README: a remote key is published as `nextKey` first, then becomes
 * the `signer`, then stays as a retired key), so `rotate()`, `addKey()`, `prepareNextKey()` and
 * `removeKey()` reject with `ERR_KEYS_MANAGED_EXTERNALLY`; there is no scheduler and no store.
 */
export async function createExternalKeyRing(options: ExternalKeyRingOptions): Promise<KeyRing> {
  const { signer } = options ?? {};
  if (typeof signer?.sign !== 'function' || typeof signer.publicJwk !== 'object')
    throw new TypeError('option `signer` must come from createRemoteSigner()');
  const maxJwksCacheAgeMs = positive(options.maxJwksCacheAgeMs, 'maxJwksCacheAgeMs');
  const maxTokenLifetimeSeconds = options.maxTokenLifetimeSeconds;
  if (!Number.isInteger(maxTokenLifetimeSeconds) || maxTokenLifetimeSeconds <= 0)
    throw new TypeError('option `maxTokenLifetimeSeconds` must be a positive integer number of seconds');
  const now = options.now ?? Date.now;
  if (typeof now !== 'function') throw new TypeError('option `now` must be a function');
  const retiredInput = options.retiredKeys ?? [];
  if (!Array.isArray(retiredInput)) throw new TypeError('option `retiredKeys` must be an array of public JWKs');
  // The signer's own public key went through the same reading in createRemoteSigner().
  const active = parsePublicSigningKey(signer.publicJwk, signer.alg, 'signer.publicJwk');
  const next = options.nextKey === undefined ? undefined : parsePublicSigningKey(options.nextKey, undefined, 'nextKey');
  const retired = retiredInput.map((jwk, index) => parsePublicSigningKey(jwk, undefined, `retiredKeys[${index}]`));
  const published: readonly (readonly [PublicSigningKey, KeyInfo['state']])[] = [
    ...(next ? [[next, 'next'] as const] : []),
    [active, 'active'],
    ...retired.map((key) => [key, 'retired'] as const),
  ];
  const kids = published.map(([key]) => key.kid);
  const repeated = kids.find((kid, index) => kids.indexOf(kid) !== index);
  if (repeated !== undefined)
    throw new TypeError(
      `the signer, \`nextKey\` and \`retiredKeys\` must be different keys (${repeated} is given twice)`,
    );
  const createdAtMs = now();
  const jwks: PublicJwks = Object.freeze({ keys: Object.freeze(published.map(([key]) => key.publicJwk)) });
  const infos: readonly KeyInfo[] = Object.freeze(
    published.map(([key, state]) =>
      Object.freeze({
        kid: key.kid,
        alg: key.alg,
        state,
        createdAtMs,
        activatesAtMs: createdAtMs,
        ...(state === 'active' ? { activatedAtMs: createdAtMs } : {}),
      }),
    ),
  );
  const managedElsewhere = () =>
    Promise.reject(
      new IssuerError(
        'ERR_KEYS_MANAGED_EXTERNALLY',
        'the keys of this ring live with its remote signer: create the new key there, publish it as `nextKey`, ' +
          'then make it the signer (see the README, "Rotating a remote key")',
      ),
    );
  return {
    maxJwksCacheAgeMs,
    maxTokenLifetimeSeconds,
    jwksCacheMaxAgeSeconds: Math.floor(maxJwksCacheAgeMs / 1000),
    version: 1,
    signingKey: () => signer,
    whenFresh: () => Promise.resolve(true),
    health: () => ({ state: 'ok', version: 1, syncedAtMs: createdAtMs, fresh: true }),
    publicJwks: () => jwks,
    keys: () => infos,
    rotate: managedElsewhere,
    addKey: managedElsewhere,
    prepareNextKey: managedElsewhere,
    removeKey: managedElsewhere,
    reload: () => Promise.resolve(),
    tick: () => Promise.resolve(),
    start: () => undefined,
    stop: () => Promise.resolve(),
    // The published set never changes: a listener is kept nowhere and never called.
    on: () => () => undefined,
  };
}

function positive(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    throw new TypeError(`option \`${name}\` must be a positive number of milliseconds`);
  return value;
}
