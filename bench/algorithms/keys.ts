import { createPrivateKey, createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import {
  createAccessTokenSigner,
  createKeyRing,
  createMemoryKeyStore,
  type AccessTokenSigner,
  type SigningAlgorithm,
} from '@jwks-kit/issuer';
import { createLocalKeySet, type AccessTokenVerifierOptions } from '@jwks-kit/verifier';

/** The algorithms the bench compares: the issuer's four and HS256 (secret mode). */
export type BenchAlgorithm = SigningAlgorithm | 'HS256';

/** Claims of every benchmark token besides iss and aud (distinct tokens differ in sub and jti). */
export const BENCH_INPUT = { sub: 'user-42', scope: 'orders:read profile:read', clientId: 'bench-client' } as const;

/** One algorithm's signer, the verifier options that trust it, and its raw keys for the crypto baselines. */
export interface AlgorithmKeys {
  readonly signer: AccessTokenSigner;
  /** `keySet` (a local key set of the ring's JWKS) or `secret`, for `createAccessTokenVerifier` / `requireAuth`. */
  readonly trust: Pick<AccessTokenVerifierOptions, 'keySet' | 'secret'>;
  /** Private KeyObject (asymmetric) or the secret bytes (HS256). */
  readonly signingKey: KeyObject | Buffer;
  /** Public KeyObject (asymmetric) or the secret bytes (HS256). */
  readonly verifyingKey: KeyObject | Buffer;
}

/** Creates a key ring of `alg` (or an HS256 secret) and everything the algorithm scenarios need. */
export async function createAlgorithmKeys(
  alg: BenchAlgorithm,
  ctx: Readonly<{ issuer: string; audience: string }>,
): Promise<AlgorithmKeys> {
  if (alg === 'HS256') {
    const secret = randomBytes(32);
    const signer = createAccessTokenSigner({ issuer: ctx.issuer, secret, defaultAudience: ctx.audience });
    return { signer, trust: { secret }, signingKey: secret, verifyingKey: secret };
  }
  const store = createMemoryKeyStore();
  const keyRing = await createKeyRing({
    store,
    maxJwksCacheAgeMs: 600_000,
    maxTokenLifetimeSeconds: 3600,
    algorithm: alg,
  });
  const signer = createAccessTokenSigner({ issuer: ctx.issuer, keyRing, defaultAudience: ctx.audience });
  const stored = (await store.load())?.keys.find((key) => key.kid === keyRing.signingKey().kid);
  if (!stored) throw new Error('the signing key is not in the store');
  const privateKey = createPrivateKey({ key: { ...stored }, format: 'jwk' });
  const keySet = createLocalKeySet(
    { keys: keyRing.publicJwks().keys.map((key) => ({ ...key })) },
    { algorithms: [alg] },
  );
  return { signer, trust: { keySet }, signingKey: privateKey, verifyingKey: createPublicKey(privateKey) };
}

/** Signs `count` distinct tokens (distinct sub and jti) with the algorithm's signer. */
export async function signPool(signer: AccessTokenSigner, count: number): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < count; i += 1) tokens.push((await signer.sign({ ...BENCH_INPUT, sub: `user-${i}` })).token);
  return tokens;
}
