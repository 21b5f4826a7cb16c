import { verify } from 'node:crypto';
import { IssuerError } from './issuer-error.js';
import { parsePublicSigningKey, type PublicSigningKey } from './lib/public-signing-key.js';
import { isSigningAlgorithm, SIGNING_ALGORITHMS } from './lib/signing-key-types.js';
import type { PublicJwk } from './public-jwk.js';
import type { Signer, SigningAlgorithm } from './signer.js';

/** What {@link RemoteSignerOptions.sign} is told besides the bytes to sign. */
export interface RemoteSignRequest {
  /** The key's kid (RFC 7638 thumbprint of `publicJwk`). */
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  /** Aborted when `timeoutMs` has passed: hand it to `fetch` or to the KMS client. */
  readonly signal: AbortSignal;
}

/** Options of {@link createRemoteSigner}. */
export type RemoteSignerOptions = Readonly<{
  /**
   * The public key of the remote private key, as a JWK (RSA ≥ 2048 bits, EC P-256 or OKP Ed25519).
   * Private members are refused. Its RFC 7638 thumbprint becomes the kid; a `kid` member must equal it.
   */
  publicJwk: Readonly<Record<string, unknown>>;
  /** The one algorithm the key signs with. @default `publicJwk.alg`, else RS256 / ES256 / EdDSA by key type */
  alg?: SigningAlgorithm;
  /**
   * Asks the remote side to sign `signingInput` (the ASCII JWS signing input; hash it yourself when the
   * service signs digests) and resolves the JWS signature bytes: RSASSA-PKCS1-v1_5 or RSASSA-PSS (salt
   * 32) over SHA-256 for RS256 / PS256, raw `r ‖ s` (64 bytes, not DER) for ES256, the 64-byte Ed25519
   * signature for EdDSA. Rejecting (or not answering within `timeoutMs`) is `ERR_SIGNER_UNAVAILABLE`.
   */
  sign: (signingInput: Uint8Array, request: RemoteSignRequest) => Promise<Uint8Array>;
  /** How long one remote signature may take. @default 5000 */
  timeoutMs?: number;
  /**
   * Sign and check one probe input before resolving, so that a signer that is down or holds another
   * key than `publicJwk` stops the service at start rather than at its first login. @default true
   */
  probe?: boolean;
}>;

/** A {@link Signer} whose private key lives elsewhere; its public key is what the JWKS publishes. */
export interface RemoteSigner extends Signer {
  /** kty, public members, kid, alg, use: nothing private (there is nothing private here). */
  readonly publicJwk: PublicJwk;
}

const PROBE = new TextEncoder().encode('jwks-kit remote signer probe');

/**
 * A {@link Signer} over a private key held by another process, a KMS or an HSM: `options.sign` does
 * the remote call. Every signature it returns is checked with the public key (node's `crypto.verify`,
 * off the event loop) before a token carries it; one that does not verify — another key, DER instead of
 * `r ‖ s`, a truncated answer — is `ERR_SIGNATURE_INVALID`, never a token that every verifier refuses.
 * There is no fallback: when the remote side fails, signing fails (`ERR_SIGNER_UNAVAILABLE`). Validates
 * options (TypeError naming the option) and, unless `probe: false`, signs once before resolving.
 */
export async function createRemoteSigner(options: RemoteSignerOptions): Promise<RemoteSigner> {
  const { sign: remoteSign } = options ?? {};
  if (typeof remoteSign !== 'function') throw new TypeError('option `sign` must be a function');
  if (options.alg !== undefined && !isSigningAlgorithm(options.alg))
    throw new TypeError(`option \`alg\` must be one of ${SIGNING_ALGORITHMS.join(', ')}`);
  const timeoutMs = options.timeoutMs ?? 5000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0)
    throw new TypeError('option `timeoutMs` must be a positive number of milliseconds');
  if (options.probe !== undefined && typeof options.probe !== 'boolean')
    throw new TypeError('option `probe` must be a boolean');
  const key = parsePublicSigningKey(options.publicJwk, options.alg, 'publicJwk');
  const signer: RemoteSigner = Object.freeze({
    kid: key.kid,
    alg: key.alg,
    signatureBytes: key.verify.signatureBytes,
    publicJwk: key.publicJwk,
    sign: (data: Uint8Array) => signChecked(key, remoteSign, timeoutMs, data),
  });
  if (options.probe !== false) await signer.sign(PROBE);
  return signer;
}

async function signChecked(
  key: PublicSigningKey,
  remoteSign: RemoteSignerOptions['sign'],
  timeoutMs: number,
  data: Uint8Array,
): Promise<Uint8Array> {
  const signature = await withTimeout(key, timeoutMs, (signal) =>
    remoteSign(data, { kid: key.kid, alg: key.alg, signal }),
  );
  if (!(signature instanceof Uint8Array) || signature.length !== key.verify.signatureBytes) {
    const got = signature instanceof Uint8Array ? `${signature.length} bytes` : typeof signature;
    const hint =
      key.alg === 'ES256' && signature instanceof Uint8Array && signature[0] === 0x30
        ? ': it looks DER-encoded; ES256 needs raw r ‖ s (convert the KMS answer in the adapter)'
        : '';
    throw new IssuerError(
      'ERR_SIGNATURE_INVALID',
      `remote signer of key ${key.kid} returned ${got}, expected a ${key.verify.signatureBytes}-byte ${key.alg} signature${hint}`,
    );
  }
  const valid = await new Promise<boolean>((resolve, reject) => {
    verify(key.verify.hash, data, key.verify.key, signature, (error, result) =>
      error ? reject(error) : resolve(result),
    );
  }).catch(() => false);
  if (!valid)
    throw new IssuerError(
      'ERR_SIGNATURE_INVALID',
      `remote signer of key ${key.kid} returned a signature that does not verify with its public key ` +
        '(another key behind the signer, or another algorithm)',
    );
  return signature;
}

/** Runs the remote call with an abort signal; a rejection or no answer within `timeoutMs` is `ERR_SIGNER_UNAVAILABLE`. */
async function withTimeout<T>(
  key: PublicSigningKey,
  timeoutMs: number,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const error = new IssuerError(
        'ERR_SIGNER_UNAVAILABLE',
        `remote signer of key ${key.kid} did not answer within ${timeoutMs} ms`,
      );
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    return await Promise.race([
      Promise.resolve()
        .then(() => call(controller.signal))
        .catch((error: unknown) => {
          if (controller.signal.aborted) throw controller.signal.reason;
          throw new IssuerError('ERR_SIGNER_UNAVAILABLE', `remote signer of key ${key.kid} failed to sign`, {
            cause: error,
          });
        }),
      timedOut,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
