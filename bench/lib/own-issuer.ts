import { createTestKeyPair, type TestKeyPair } from '@jwks-kit/test-kit';
import { claimsFor } from './claims.js';
import { startJwksServer } from './jwks-server.js';
import { signToken } from './token-pool.js';
import type { ScenarioContext } from './types.js';

/** A micro scenario's own issuer: a fresh key, its JWKS served in this process, and one valid token of it. */
export type OwnIssuer = Readonly<{
  key: TestKeyPair;
  jwks: Awaited<ReturnType<typeof startJwksServer>>;
  /** The issuer and audience of the context, for more tokens. */
  base: { issuer: string; audience: string };
  /** A valid token, to be sent again and again (the verified-token cache hit). */
  repeated: string;
}>;

/** Starts an {@link OwnIssuer} for the context's issuer and audience. */
export async function startOwnIssuer(ctx: ScenarioContext): Promise<OwnIssuer> {
  const key = await createTestKeyPair();
  const jwks = await startJwksServer([key.publicJwk]);
  const base = { issuer: ctx.issuer, audience: ctx.audience };
  const repeated = signToken(key.privateKey, key.kid, claimsFor(base, 999_999, Math.floor(Date.now() / 1000)));
  return { key, jwks, base, repeated };
}
