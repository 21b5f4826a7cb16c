import { createHash, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';

/** DPoP proofs for tests (RFC 9449), signed with Node crypto; `ath` computed here, independently of core. */

type ProofAlgorithm = 'ES256' | 'EdDSA' | 'RS256' | 'PS256';

/** The `ath` of `accessToken`: base64url SHA-256 (computed here, not with core's `accessTokenHash`). */
export function athOf(accessToken: string): string {
  return createHash('sha256').update(accessToken).digest('base64url');
}

/** A client's DPoP key: the private key and the public JWK its proofs carry. */
export interface ProofKey {
  readonly alg: ProofAlgorithm;
  readonly privateKey: KeyObject;
  readonly publicJwk: Record<string, string>;
}

/** A fresh key for `alg` (ES256: P-256, EdDSA: Ed25519, RS256/PS256: RSA of `rsaBits`). */
export function createDpopKey(alg: ProofAlgorithm, rsaBits = 2048): ProofKey {
  const pair =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : alg === 'EdDSA'
        ? generateKeyPairSync('ed25519')
        : generateKeyPairSync('rsa', { modulusLength: rsaBits });
  return {
    alg,
    privateKey: pair.privateKey,
    publicJwk: pair.publicKey.export({ format: 'jwk' }) as Record<string, string>,
  };
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Signs `header.payload` with Node crypto as the JWS `alg` says (ES256 raw r‖s unless `der`). */
export function signDpopJws(alg: string, signingInput: string, key: KeyObject, der = false): string {
  const data = Buffer.from(signingInput);
  switch (alg) {
    case 'ES256':
      return sign('sha256', data, { key, dsaEncoding: der ? 'der' : 'ieee-p1363' }).toString('base64url');
    case 'EdDSA':
      return sign(null, data, key).toString('base64url');
    case 'PS256':
      return sign('sha256', data, { key, padding: 6, saltLength: 32 }).toString('base64url');
    default:
      return sign('sha256', data, key).toString('base64url');
  }
}

/** What a crafted proof may change. */
export interface ProofParts {
  header?: Record<string, unknown>;
  payload?: Record<string, unknown>;
  /** Drop these header members / claims. */
  omitHeader?: string[];
  omitPayload?: string[];
  /** Sign with another key (the header's jwk stays). */
  signWith?: KeyObject;
  /** ES256 signature in DER instead of raw r‖s. */
  der?: boolean;
}

/**
 * A DPoP proof of `key` for `method url` at `iat`, with `ath` when `accessToken` is given; `parts`
 * overrides or removes members to craft a bad one.
 */
export function craftDpopProof(
  key: ProofKey,
  request: { method: string; url: string; iat: number; accessToken?: string; nonce?: string },
  parts: ProofParts = {},
): string {
  const header: Record<string, unknown> = { typ: 'dpop+jwt', alg: key.alg, jwk: key.publicJwk, ...parts.header };
  const payload: Record<string, unknown> = {
    jti: randomUUID(),
    htm: request.method,
    htu: request.url,
    iat: request.iat,
    ...(request.accessToken === undefined ? {} : { ath: athOf(request.accessToken) }),
    ...(request.nonce === undefined ? {} : { nonce: request.nonce }),
    ...parts.payload,
  };
  for (const name of parts.omitHeader ?? []) delete header[name];
  for (const name of parts.omitPayload ?? []) delete payload[name];
  const signingInput = `${b64(header)}.${b64(payload)}`;
  const alg = typeof header.alg === 'string' ? header.alg : key.alg;
  return `${signingInput}.${signDpopJws(alg, signingInput, parts.signWith ?? key.privateKey, parts.der)}`;
}
