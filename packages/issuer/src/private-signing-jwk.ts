import type { SigningAlgorithm } from './signer.js';

/** Members every private signing JWK of the key ring carries. */
interface SigningJwkBase {
  /** RFC 7638 thumbprint (SHA-256, base64url) of the public key. */
  readonly kid: string;
  readonly use: 'sig';
}

/** An RSA private key (at least 2048 bits) bound to RS256 or PS256. */
export interface RsaPrivateJwk extends SigningJwkBase {
  readonly kty: 'RSA';
  readonly alg: 'RS256' | 'PS256';
  readonly n: string;
  readonly e: string;
  readonly d: string;
  readonly p: string;
  readonly q: string;
  readonly dp: string;
  readonly dq: string;
  readonly qi: string;
}

/** A P-256 private key bound to ES256. */
export interface EcPrivateJwk extends SigningJwkBase {
  readonly kty: 'EC';
  readonly alg: 'ES256';
  readonly crv: 'P-256';
  readonly x: string;
  readonly y: string;
  readonly d: string;
}

/** An Ed25519 private key bound to EdDSA. */
export interface OkpPrivateJwk extends SigningJwkBase {
  readonly kty: 'OKP';
  readonly alg: 'EdDSA';
  readonly crv: 'Ed25519';
  readonly x: string;
  readonly d: string;
}

/**
 * A private key of the key ring as a JWK: kid (RFC 7638 thumbprint), `use: sig` and the one
 * algorithm it signs with (RSA: RS256 or PS256, P-256: ES256, Ed25519: EdDSA).
 */
export type PrivateSigningJwk = RsaPrivateJwk | EcPrivateJwk | OkpPrivateJwk;

/** The private signing JWK type for one algorithm. */
export type PrivateJwkFor<A extends SigningAlgorithm> = Extract<PrivateSigningJwk, { alg: A }>;
