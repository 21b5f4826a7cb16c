import { randomUUID } from 'node:crypto';
import { SignJWT, calculateJwkThumbprint, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';

/**
 * A client's DPoP key with proofs signed by jose (an implementation independent of core's checks), and its
 * RFC 7638 thumbprint as jose computes it.
 */
export interface JoseDpopClient {
  readonly alg: 'ES256' | 'EdDSA';
  readonly jwk: JWK;
  readonly jkt: string;
  /** A proof for `method url` at `iat` (seconds); `claims` adds or overrides claims, `header` header members. */
  proof(
    request: { method?: string; url: string; iat: number; nonce?: string },
    extra?: { claims?: Record<string, unknown>; header?: Record<string, unknown>; jti?: string },
  ): Promise<string>;
}

export async function createJoseDpopClient(alg: 'ES256' | 'EdDSA' = 'ES256'): Promise<JoseDpopClient> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(publicKey);
  const jkt = await calculateJwkThumbprint(jwk, 'sha256');
  return {
    alg,
    jwk,
    jkt,
    proof: ({ method = 'POST', url, iat, nonce }, extra = {}) =>
      new SignJWT({
        htm: method,
        htu: url,
        iat,
        jti: extra.jti ?? randomUUID(),
        ...(nonce === undefined ? {} : { nonce }),
        ...extra.claims,
      })
        .setProtectedHeader({ alg, typ: 'dpop+jwt', jwk, ...extra.header })
        .sign(privateKey as CryptoKey),
  };
}
