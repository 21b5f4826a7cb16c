import { createJwkVectors, type JwkVectors } from '@jwks-kit/test-kit';
import type { JwsAlgorithm } from '@jwks-kit/core';
import { validateJwks } from '../src/lib/validate-jwks.js';

let vectors: JwkVectors;

beforeAll(async () => {
  vectors = await createJwkVectors();
});

/** A refusal a verifier merely ignores is a warning; a broken key is an error. */
const SEVERITY = { kid: 'error', invalid: 'error', size: 'error', kty: 'warning', use: 'warning', alg: 'warning' };

describe('validateJwks: the shared JWK vectors', () => {
  it('passes exactly the accepted vectors and reports each refused one at its index', async () => {
    for (const vector of vectors.keys) {
      const report = await validateJwks({ keys: [vector.jwk] }, vector.algorithms as JwsAlgorithm[]);
      const atKey = report.problems
        .filter((problem) => problem.index === 0 && !/thumbprint/.test(problem.message))
        .map((problem) => problem.severity);
      expect({ name: vector.name, ok: report.ok, atKey }).toEqual({
        name: vector.name,
        ok: 'alg' in vector.expected,
        atKey: 'alg' in vector.expected ? [] : [SEVERITY[vector.expected.reason]],
      });
    }
  });

  it('fails every set vector with an error', async () => {
    for (const vector of vectors.sets) {
      const report = await validateJwks({ keys: vector.keys });
      const errors = report.problems.filter((problem) => problem.severity === 'error').map(({ message }) => message);
      expect({
        name: vector.name,
        ok: report.ok,
        found: errors.some((message) => /private members|duplicate kid/.test(message)),
      }).toEqual({
        name: vector.name,
        ok: false,
        found: true,
      });
    }
  });
});
