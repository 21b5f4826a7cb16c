import type { KeyObject } from 'node:crypto';
import { checkPublicJwk, isJwkRefusal } from '../check-jwk.js';
import { decodeCompactJws } from '../decode-compact-jws.js';
import { importJwk } from '../import-jwk.js';
import { PRIVATE_JWK_MEMBERS } from '../jwk-key-types.js';
import { jwsAlgorithmEntry, type JwsAlgorithm } from '../jws-algorithms.js';
import { jwkThumbprint } from '../jwk-thumbprint.js';
import { decidingHeaderMembers, ownMember } from '../own-member.js';
import { verifyJwsSignatureBytes } from '../verify-jws-signature.js';
import { accessTokenHash } from './access-token-hash.js';
import { DpopProofError } from './dpop-proof-error.js';
import { dpopHtu } from './dpop-htu.js';
import type { DpopNonces } from './dpop-nonces.js';

/** What a DPoP proof must match: the request it came with and the server's rules. */
export type DpopProofExpectation = Readonly<{
  /** The request method (`htm`, compared exactly). */
  method: string;
  /** The request URL from the configured public origin and the request path (query and fragment ignored). */
  url: string | URL;
  /** The access token presented with the proof: `ath` must be its hash. Absent at a token endpoint (`ath` ignored). */
  accessToken?: string;
  /** The allowed proof algorithms (asymmetric only; HS256 and `none` never pass). */
  algorithms: readonly JwsAlgorithm[];
  /** Now, in seconds since the epoch. */
  nowSeconds: number;
  /** `iat` may be this far from now, either way (before leeway). */
  iatWindowSeconds: number;
  /** Clock skew allowed on top of the window. */
  leewaySeconds: number;
  /** When set, the proof must carry a nonce these accept, else code `use_dpop_nonce`. */
  nonce?: DpopNonces;
}>;

/** A DPoP proof that passed every check of RFC 9449 §4.3 (the caller still checks replay and `cnf.jkt`). */
export interface VerifiedDpopProof {
  /** RFC 7638 thumbprint of the proof key: what `cnf.jkt` of a bound token must equal. */
  readonly jkt: string;
  readonly jti: string;
  readonly iat: number;
  readonly alg: JwsAlgorithm;
}

/** Longest proof read (a 16384-bit RSA key and signature fit). */
export const MAX_DPOP_PROOF_LENGTH = 16384;
/** Longest `jti` accepted. */
export const MAX_DPOP_JTI_LENGTH = 256;

/**
 * Verifies a DPoP proof JWT (RFC 9449 §4.3) synchronously and returns its key thumbprint and `jti`;
 * throws a {@link DpopProofError} naming the first rule it breaks: one compact JWS (`syntax`, no `crit`),
 * `typ` `dpop+jwt`, an asymmetric `alg` from `algorithms`, a `jwk` header with public members only that
 * core's JWK rule accepts for that `alg` (`jwk`), its signature through the same check access tokens get
 * (`signature`), then `jti`, `htm`, `htu`, `iat`, `ath` and `nonce` (`use_dpop_nonce`). Replay (`jti`
 * single use) and the binding to a token's `cnf.jkt` are the caller's.
 */
export function verifyDpopProof(proof: string, expected: DpopProofExpectation): VerifiedDpopProof {
  if (typeof proof !== 'string' || proof.length > MAX_DPOP_PROOF_LENGTH) refuse('syntax', 'too long or not a string');
  const decoded = decodeCompactJws(proof);
  if (decoded === undefined) refuse('syntax', 'not one compact JWS of JSON objects');
  const { header, payload, signingInput, signature } = decoded;
  if (header.crit !== undefined) refuse('syntax', 'a crit header is not understood');
  const { typ, alg } = decidingHeaderMembers(header);
  if (typeof typ !== 'string' || typ.toLowerCase() !== 'dpop+jwt') refuse('typ', 'typ is not dpop+jwt');
  if (
    typeof alg !== 'string' ||
    jwsAlgorithmEntry(alg)?.kty === 'oct' ||
    !expected.algorithms.includes(alg as JwsAlgorithm)
  )
    refuse('alg', 'alg is not an allowed asymmetric algorithm');
  const { key, jkt } = proofKey(ownMember(header, 'jwk'), alg as JwsAlgorithm);
  if (!verifyJwsSignatureBytes(alg, signingInput, signature, key))
    refuse('signature', 'the signature does not verify with the jwk header');

  const { jti, htm, htu, iat, ath, nonce } = proofClaims(payload);
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_DPOP_JTI_LENGTH)
    refuse('jti', `jti must be a string of 1 to ${MAX_DPOP_JTI_LENGTH} characters`);
  if (htm !== expected.method) refuse('htm', 'htm is not the request method');
  if (typeof htu !== 'string' || !htuMatches(htu, expected.url)) refuse('htu', 'htu is not the request URL');
  const window = expected.iatWindowSeconds + expected.leewaySeconds;
  if (typeof iat !== 'number' || !Number.isFinite(iat) || Math.abs(expected.nowSeconds - iat) > window)
    refuse('iat', 'iat is missing or outside the accepted window');
  if (expected.accessToken !== undefined && ath !== accessTokenHash(expected.accessToken))
    refuse('ath', 'ath is missing or not the hash of the access token');
  if (expected.nonce !== undefined) {
    if (nonce === undefined) refuse('nonce', 'a nonce is required', 'use_dpop_nonce');
    if (!expected.nonce.accepts(nonce, expected.nowSeconds))
      refuse('nonce', 'the nonce is not current', 'use_dpop_nonce');
  }
  return Object.freeze({
    jkt,
    jti,
    iat,
    alg: alg as JwsAlgorithm,
  });
}

/** The claims RFC 9449 §4.2 gives a proof, read as own members only: an inherited `htm` or `ath` is no claim. */
function proofClaims(payload: Record<string, unknown>) {
  return {
    jti: ownMember(payload, 'jti'),
    htm: ownMember(payload, 'htm'),
    htu: ownMember(payload, 'htu'),
    iat: ownMember(payload, 'iat'),
    ath: ownMember(payload, 'ath'),
    nonce: ownMember(payload, 'nonce'),
  };
}

function refuse(
  reason: DpopProofError['reason'],
  message: string,
  code: DpopProofError['code'] = 'invalid_dpop_proof',
): never {
  throw new DpopProofError(reason, `DPoP proof refused: ${message}`, code);
}

/** Proof keys already accepted, by `alg` and the exact JSON of the `jwk` header: a client's next proofs skip the import. */
const PROOF_KEYS = new Map<string, { key: KeyObject; jkt: string }>();
/** Most proof keys remembered (the oldest is dropped first). */
const MAX_PROOF_KEYS = 1024;

/**
 * The `jwk` header as a public KeyObject bound to `alg`, with its RFC 7638 thumbprint. A header whose exact JSON
 * and `alg` were accepted before answers from a small cache (the outcome is a function of those bytes alone),
 * so a client's repeated proofs cost no key import and no point check.
 */
function proofKey(jwk: unknown, alg: JwsAlgorithm): { key: KeyObject; jkt: string } {
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) refuse('jwk', 'the jwk header is missing');
  const cacheKey = `${alg}\n${JSON.stringify(jwk)}`;
  const known = PROOF_KEYS.get(cacheKey);
  if (known !== undefined) return known;
  const members = jwk as Record<string, unknown>;
  for (const member of PRIVATE_JWK_MEMBERS)
    if (Object.hasOwn(members, member)) refuse('jwk', 'the jwk header carries a private member');
  const checked = checkPublicJwk(members, [alg]);
  if (isJwkRefusal(checked)) refuse('jwk', `the jwk header is not a public ${alg} key (${checked.reason})`);
  let key: KeyObject;
  try {
    key = importJwk(checked);
  } catch {
    refuse('jwk', 'the jwk header is not a public key');
  }
  const accepted = Object.freeze({ key, jkt: jwkThumbprint(checked.publicJwk) });
  if (PROOF_KEYS.size >= MAX_PROOF_KEYS) PROOF_KEYS.delete(PROOF_KEYS.keys().next().value as string);
  PROOF_KEYS.set(cacheKey, accepted);
  return accepted;
}

/** `htu` is an http(s) URL without query or fragment whose normal form is the request URL's. */
function htuMatches(htu: string, url: string | URL): boolean {
  if (htu.includes('?') || htu.includes('#')) return false;
  try {
    return dpopHtu(htu) === dpopHtu(url);
  } catch {
    return false;
  }
}
