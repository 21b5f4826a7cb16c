import { JWKS_FETCH_VECTORS, VECTOR_MAX_JWKS_BYTES, startJwksFetchVectorServer } from '@jwks-kit/test-kit';
import type { JwksFetchVectorServer } from '@jwks-kit/test-kit';
import { discoverJwksUri } from '../src/discover-jwks-uri.js';
import { isKeySetError, type KeySetError } from '../src/key-set-error.js';
import { createRemoteKeySet } from '../src/remote-key-set.js';

let vectors: JwksFetchVectorServer;
beforeAll(async () => {
  vectors = await startJwksFetchVectorServer();
});
afterAll(() => vectors.close());

async function failure(promise: Promise<unknown>): Promise<KeySetError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(isKeySetError(error)).toBe(true);
  return error as KeySetError;
}

describe('remote key set: the shared JWKS fetch vectors', () => {
  it.each(JWKS_FETCH_VECTORS.map((vector) => [vector.name, vector] as const))('%s', async (_name, vector) => {
    const keySet = createRemoteKeySet({
      jwksUri: vectors.url(vector),
      timeoutMs: 1000,
      maxResponseBytes: VECTOR_MAX_JWKS_BYTES,
    });
    try {
      const error = await failure(keySet.ready());
      expect(error.code).toBe(vector.expected);
      for (const words of vector.messageIncludes) expect(error.message).toContain(words);
      expect(keySet.kids).toEqual([]);
    } finally {
      keySet.close();
    }
  });
});

describe('discoverJwksUri: the same vectors on the discovery request', () => {
  it.each(JWKS_FETCH_VECTORS.map((vector) => [vector.name, vector] as const))('%s', async (_name, vector) => {
    const issuer = vectors.url(vector); // the document is read from `${issuer}/.well-known/openid-configuration`
    const error = await failure(discoverJwksUri(issuer, { timeoutMs: 1000, maxResponseBytes: VECTOR_MAX_JWKS_BYTES }));
    // A discovery body that is not JSON is the discovery document's own code.
    expect(error.code).toBe(vector.expected === 'ERR_JWKS_INVALID' ? 'ERR_DISCOVERY_INVALID' : vector.expected);
    for (const words of vector.messageIncludes) expect(error.message).toContain(words);
  });
});
