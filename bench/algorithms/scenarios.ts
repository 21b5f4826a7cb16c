import type { ScenarioDef } from '../scenarios/index.js';
import type { BenchAlgorithm } from './keys.js';

/** The algorithms each micro benchmark compares; distinct-token HTTP rows skip RS256 (row 3 is RS256). */
const ALGORITHMS: readonly BenchAlgorithm[] = ['RS256', 'PS256', 'ES256', 'EdDSA', 'HS256'];
const HTTP_ALGORITHMS: readonly BenchAlgorithm[] = ['PS256', 'ES256', 'EdDSA', 'HS256'];

/** Rows 30–32: signing, verification and distinct-token requests per algorithm (issue #16). */
export const ALGORITHM_SCENARIOS: readonly ScenarioDef[] = [
  ...ALGORITHMS.map((alg): ScenarioDef => ({
    id: `sign-${alg}`,
    number: 30,
    title: `${alg}: access tokens signed by \`createAccessTokenSigner\` vs raw ${alg === 'HS256' ? '`crypto.createHmac`' : '`crypto.sign`'} (micro, ops/s, 4 in flight)`,
    kind: 'micro',
    microBaseline: alg === 'HS256' ? 'crypto.createHmac' : 'crypto.sign',
    load: async () => (await import('./sign.js')).algorithmSignScenario(alg),
  })),
  ...ALGORITHMS.map((alg): ScenarioDef => ({
    id: `verify-${alg}`,
    number: 31,
    title: `${alg}: distinct tokens verified by \`verifySync\` (cache off) vs raw signature check (micro, ops/s)`,
    kind: 'micro',
    microBaseline: 'crypto.verify',
    load: async () => (await import('./verify.js')).algorithmVerifyScenario(alg),
  })),
  ...HTTP_ALGORITHMS.map((alg): ScenarioDef => ({
    id: `require-auth-distinct-${alg}`,
    number: 32,
    title: `\`requireAuth\`, distinct ${alg} token per request`,
    kind: 'http',
    load: async () => (await import('./distinct.js')).algorithmDistinctScenario(alg),
    prepare: async (url) => (await import('./distinct.js')).prepareAlgorithmDistinct(url),
  })),
];
