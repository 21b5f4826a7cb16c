import { jwkThumbprint } from '@jwks-kit/core';
import type { JWK } from 'jose';
import { generateKeyPair, sign as cryptoSign, constants, createHmac, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';

const generateKeyPairAsync = promisify(generateKeyPair);

/** Asymmetric algorithms a mock issuer can sign with and publish. */
export type TestAlgorithm = 'RS256' | 'PS256' | 'ES256' | 'EdDSA';

/** Every algorithm a test token's header may name, including ones a verifier must refuse. */
export type AnyJwsAlgorithm = TestAlgorithm | 'RS384' | 'RS512' | 'PS384' | 'PS512' | 'ES384' | 'HS256' | 'none';

/** A signing key of a mock issuer: the private key, its public JWK and its kid (RFC 7638 thumbprint). */
export interface TestKey {
  readonly kid: string;
  readonly algorithm: TestAlgorithm;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** Public members only, with `kid`, `alg` and `use: "sig"`: what the JWKS serves. */
  readonly publicJwk: Readonly<JWK>;
}

const ALGORITHMS: readonly TestAlgorithm[] = ['RS256', 'PS256', 'ES256', 'EdDSA'];

/** Throws a TypeError unless `value` is one of the algorithms a mock issuer can sign with. */
export function assertTestAlgorithm(value: unknown, option: string): asserts value is TestAlgorithm {
  if (!ALGORITHMS.includes(value as TestAlgorithm)) {
    throw new TypeError(`option \`${option}\` must be one of ${ALGORITHMS.join(', ')}`);
  }
}

/** Generates off the event loop (libuv's threadpool), so several keys are made in parallel. */
function generatePair(algorithm: TestAlgorithm): Promise<{ privateKey: KeyObject; publicKey: KeyObject }> {
  switch (algorithm) {
    case 'RS256':
    case 'PS256':
      return generateKeyPairAsync('rsa', { modulusLength: 2048 });
    case 'ES256':
      return generateKeyPairAsync('ec', { namedCurve: 'P-256' });
    case 'EdDSA':
      return generateKeyPairAsync('ed25519');
  }
}

/** Generates a fresh key for `algorithm` (RSA 2048, P-256 or Ed25519). */
export async function generateTestKey(algorithm: TestAlgorithm): Promise<TestKey> {
  const { privateKey, publicKey } = await generatePair(algorithm);
  const exported = publicKey.export({ format: 'jwk' }) as JWK;
  const kid = jwkThumbprint(exported as Record<string, unknown>);
  const publicJwk = Object.freeze({ ...exported, kid, alg: algorithm, use: 'sig' });
  return { kid, algorithm, privateKey, publicKey, publicJwk };
}

const RSA_PSS = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST };

/**
 * Signs `input` (the JWS signing input) as `alg` names it, with Node's crypto. The key is used as given,
 * so a test can sign under an algorithm the key is not published for (a mismatch a verifier must refuse).
 * `HS256` uses `hmacSecret`; `none` gives an empty signature.
 */
export function signJwsInput(input: string, alg: AnyJwsAlgorithm, privateKey: KeyObject, hmacSecret?: Buffer): Buffer {
  const data = Buffer.from(input);
  switch (alg) {
    case 'none':
      return Buffer.alloc(0);
    case 'HS256':
      if (!hmacSecret) throw new TypeError('HS256 needs an HMAC secret');
      return createHmac('sha256', hmacSecret).update(data).digest();
    case 'EdDSA':
      return cryptoSign(null, data, privateKey);
    case 'ES256':
      return cryptoSign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
    case 'ES384':
      return cryptoSign('sha384', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
    case 'RS256':
    case 'RS384':
    case 'RS512':
      return cryptoSign(`sha${alg.slice(2)}`, data, privateKey);
    case 'PS256':
    case 'PS384':
    case 'PS512':
      return cryptoSign(`sha${alg.slice(2)}`, data, { key: privateKey, ...RSA_PSS });
  }
}

/** base64url of a JSON value (a JWS header or payload). */
export function encodeJsonSegment(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
