import { createHmac, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import { signatureParameters } from '@jwks-kit/issuer';
import { createAccessTokenVerifier } from '@jwks-kit/verifier';
import type { MicroScenarioModule } from '../lib/types.js';
import { createAlgorithmKeys, signPool, type BenchAlgorithm } from './keys.js';

/** Distinct tokens each variant cycles through (the verified-token cache is off: every call verifies). */
const POOL = 2_000;

/** node's `crypto.verify` of one token's signature (parameters from the issuer's one table): what the verifier's signature check comes down to. */
function rawVerifier(alg: BenchAlgorithm, key: KeyObject | Buffer): (input: Buffer, signature: Buffer) => boolean {
  if (alg === 'HS256')
    return (input, signature) => timingSafeEqual(createHmac('sha256', key).update(input).digest(), signature);
  const { hash, key: k } = signatureParameters(key as KeyObject, alg, 'public');
  return (input, signature) => verify(hash, input, k, signature);
}

/**
 * Distinct tokens verified per second by `createAccessTokenVerifier().verifySync` (strict parsing,
 * header, issuer, key lookup, signature, claims, deep freeze; verified-token cache off) against raw
 * `crypto.verify` (`createHmac` + `timingSafeEqual` for HS256) of the same tokens' signatures with a
 * ready key: the verifier's cost beyond the cryptography, per algorithm.
 */
export function algorithmVerifyScenario(alg: BenchAlgorithm): MicroScenarioModule {
  return {
    kind: 'micro',
    async setup(ctx) {
      const keys = await createAlgorithmKeys(alg, ctx);
      const pool = await signPool(keys.signer, POOL);
      const verifier = createAccessTokenVerifier({
        issuer: ctx.issuer,
        audience: ctx.audience,
        ...keys.trust,
        algorithms: alg === 'HS256' ? undefined : [alg],
        verifiedTokenCacheSize: 0,
      });
      const parts = pool.map((token) => {
        const dot = token.lastIndexOf('.');
        return { input: Buffer.from(token.slice(0, dot)), signature: Buffer.from(token.slice(dot + 1), 'base64url') };
      });
      const raw = rawVerifier(alg, keys.verifyingKey);
      let v = 0;
      let r = 0;
      return {
        variants: [
          {
            name: 'verifier',
            run: () => {
              const result = verifier.verifySync(pool[v++ % POOL]!);
              if (result instanceof Promise) throw new Error('a cached key must verify synchronously');
            },
          },
          {
            name: 'crypto.verify',
            run: () => {
              const { input, signature } = parts[r++ % POOL]!;
              if (!raw(input, signature)) throw new Error('raw verification failed');
            },
          },
        ],
        close: () => verifier.close(),
      };
    },
  };
}
