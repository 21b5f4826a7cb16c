import express from 'express';
import {
  createAccessTokenSigner,
  createKeyRing,
  createMemoryKeyStore,
  jwksHandler,
  type KeyRing,
  type SignAccessTokenInput,
} from '@jwks-kit/issuer';
import { createRemoteKeySet, type RemoteKeySet } from '@jwks-kit/verifier';
import { AUDIENCES } from '@jwks-kit/examples/shared/audiences';
import { listen, type RunningServer } from '@jwks-kit/examples/shared/listen';

/** A real issuer for resource-service tests: key ring in memory, JWKS on a real socket, a signer on an injected clock. */
export type TestIssuer = Readonly<{
  issuer: string;
  keyRing: KeyRing;
  /** A remote key set on the JWKS (what a resource service uses). */
  keySet: RemoteKeySet;
  sign: (input: Partial<SignAccessTokenInput> & { sub: string }) => Promise<string>;
  close: () => Promise<void>;
}>;

/** Starts a JWKS endpoint on a free loopback port; tokens carry every demo audience unless `aud` is given. */
export async function startTestIssuer(now: () => number): Promise<TestIssuer> {
  const keyRing = await createKeyRing({
    store: createMemoryKeyStore(),
    maxJwksCacheAgeMs: 60_000,
    maxTokenLifetimeSeconds: 3600,
    now,
  });
  const app = express();
  app.get('/.well-known/jwks.json', jwksHandler(keyRing));
  const server: RunningServer = await listen(app, 0);
  const issuer = server.url;
  const signer = createAccessTokenSigner({
    issuer,
    keyRing,
    defaultAudience: Object.values(AUDIENCES),
    defaultTtlSeconds: 300,
    // The verifiers accept up to 8 KiB: let tests sign anything a verifier could be sent.
    maxTokenBytes: 8_192,
    now,
  });
  const keySet = createRemoteKeySet({ jwksUri: `${issuer}/.well-known/jwks.json` });
  await keySet.ready();
  return {
    issuer,
    keyRing,
    keySet,
    sign: async (input) => (await signer.sign({ clientId: 'test-client', ...input })).token,
    close: async () => {
      keySet.close();
      await server.close();
    },
  };
}
