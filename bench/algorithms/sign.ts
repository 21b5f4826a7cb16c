import { createHmac, sign, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { signatureParameters } from '@jwks-kit/issuer';
import type { MicroScenarioModule, MicroVariant } from '../lib/types.js';
import { BENCH_INPUT, createAlgorithmKeys, type BenchAlgorithm } from './keys.js';

const signAsync = promisify(sign);

/**
 * Access tokens signed per second by `createAccessTokenSigner` with a key ring of `alg` (claims, JSON,
 * base64url, the ring's Signer on libuv's threadpool) against raw `crypto.sign` in its callback form
 * (the baseline) and its sync form, over a signing input of the same size with the same key. HS256:
 * the secret-mode signer against `crypto.createHmac`. Four operations in flight (the threadpool's
 * size), as a login storm meets the signer. The process is pinned to one core.
 */
export function algorithmSignScenario(alg: BenchAlgorithm): MicroScenarioModule {
  return {
    kind: 'micro',
    async setup(ctx) {
      const { signer, signingKey } = await createAlgorithmKeys(alg, ctx);
      const sample = await signer.sign(BENCH_INPUT);
      const input = Buffer.from(sample.token.slice(0, sample.token.lastIndexOf('.')));
      let raw: MicroVariant[];
      if (alg === 'HS256') {
        raw = [{ name: 'crypto.createHmac', run: () => createHmac('sha256', signingKey).update(input).digest() }];
      } else {
        const { hash, key } = signatureParameters(signingKey as KeyObject, alg);
        raw = [
          { name: 'crypto.sign', run: () => signAsync(hash, input, key), concurrency: 4 },
          { name: 'crypto.sign (sync)', run: () => sign(hash, input, key) },
        ];
      }
      return { variants: [{ name: 'signer', run: () => signer.sign(BENCH_INPUT), concurrency: 4 }, ...raw] };
    },
  };
}
