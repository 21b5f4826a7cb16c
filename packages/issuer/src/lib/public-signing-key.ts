import { createPublicKey, type KeyObject } from 'node:crypto';
import { jwkThumbprint } from '@jwks-kit/core';
import { IssuerError } from '../issuer-error.js';
import type { PublicJwk } from '../public-jwk.js';
import type { SigningAlgorithm } from '../signer.js';
import { signatureParameters, type SignatureParameters } from './signature-parameters.js';
import { isSigningAlgorithm, SIGNING_ALGORITHMS, SIGNING_KEY_TYPES } from './signing-key-types.js';

/** A public signing key held outside the key store (a remote signer's), ready to publish and to check signatures with. */
export interface PublicSigningKey {
  /** RFC 7638 thumbprint of the key. */
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  /** What the JWKS publishes: kty, the public members, kid, alg, use. */
  readonly publicJwk: PublicJwk;
  /** The imported public key with the `crypto.verify` parameters of `alg`. */
  readonly verify: SignatureParameters;
}

const PRIVATE_MEMBERS = new Set(Object.values(SIGNING_KEY_TYPES).flatMap((type) => type.privateMembers));

/**
 * Reads a public JWK of an RS256, PS256, ES256 or EdDSA key once: refuses private members (TypeError
 * naming `optionName`: the private key stays with its signer), binds the key to `alg` (the option, else
 * the JWK's `alg`, else the key type's default), checks type, curve and size (`ERR_INVALID_KEY`,
 * `ERR_KEY_TOO_SMALL`), and names it by its RFC 7638 thumbprint (a `kid` member must equal it).
 */
export function parsePublicSigningKey(
  jwk: unknown,
  alg: SigningAlgorithm | undefined,
  optionName: string,
): PublicSigningKey {
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk))
    throw new TypeError(`option \`${optionName}\` must be a public JWK object`);
  const members = jwk as Readonly<Record<string, unknown>>;
  const secret = Object.keys(members).find((name) => PRIVATE_MEMBERS.has(name));
  if (secret !== undefined)
    throw new TypeError(
      `option \`${optionName}\` must be a public JWK: it has the private member \`${secret}\` (the private key stays with its signer)`,
    );
  if (members.alg !== undefined && !isSigningAlgorithm(members.alg))
    throw new IssuerError('ERR_INVALID_KEY', `${optionName}.alg must be one of ${SIGNING_ALGORITHMS.join(', ')}`);
  if (alg !== undefined && members.alg !== undefined && members.alg !== alg)
    throw new IssuerError('ERR_INVALID_KEY', `${optionName} is bound to ${String(members.alg)}, not ${alg}`);
  const chosen =
    alg ??
    (members.alg as SigningAlgorithm | undefined) ??
    SIGNING_ALGORITHMS.find(
      (name) => SIGNING_KEY_TYPES[name].kty === members.kty && SIGNING_KEY_TYPES[name].crv === members.crv,
    );
  if (chosen === undefined)
    throw new IssuerError('ERR_INVALID_KEY', `${optionName} is not an RSA, EC P-256 or OKP Ed25519 public JWK`);
  const type = SIGNING_KEY_TYPES[chosen];
  if (members.kty !== type.kty || members.crv !== type.crv)
    throw new IssuerError('ERR_INVALID_KEY', `${optionName} is not a ${type.label} key, which ${chosen} needs`);
  const publicMembers: Record<string, string> = { kty: type.kty, ...(type.crv ? { crv: type.crv } : {}) };
  for (const name of type.publicMembers) publicMembers[name] = String(members[name]);
  let key: KeyObject;
  try {
    key = createPublicKey({ key: publicMembers, format: 'jwk' });
  } catch (error) {
    throw new IssuerError('ERR_INVALID_KEY', `${optionName} does not make a ${chosen} public key`, { cause: error });
  }
  const verify = signatureParameters(key, chosen, 'public');
  const kid = jwkThumbprint(publicMembers);
  if (members.kid !== undefined && members.kid !== kid)
    throw new IssuerError('ERR_INVALID_KEY', `${optionName}.kid must be the RFC 7638 thumbprint of the key (${kid})`);
  const publicJwk = Object.freeze({ ...publicMembers, kid, alg: chosen, use: 'sig' }) as PublicJwk;
  return { kid, alg: chosen, publicJwk, verify };
}
