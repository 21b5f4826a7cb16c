import { createClock } from '@jwks-kit/test-kit';
import { createAccessTokenSigner, createKeyRing, createMemoryKeyStore } from '../../src/index.js';
import {
  createMemoryRefreshTokenStore,
  createRefreshTokenService,
  type RefreshTokenServiceOptions,
} from '../../src/sessions.js';
import { createTestDenylist } from '../sessions/refresh-fixtures.js';

/** Options of {@link startSigningStack}. */
export type SigningStackOptions = Readonly<{
  issuer: string;
  /** Extra claims of every access token the refresh service signs. */
  claims?: Readonly<Record<string, unknown>>;
  /** Options of the refresh service beyond store, denylist, clock and signer. */
  service?: Partial<RefreshTokenServiceOptions>;
}>;

/** A key ring over a memory store, its access-token signer and a refresh service on memory stores, on one test clock. */
export async function startSigningStack({ issuer, claims = {}, service: serviceOptions = {} }: SigningStackOptions) {
  const clock = createClock();
  const store = createMemoryKeyStore();
  const keyRing = await createKeyRing({
    store,
    maxJwksCacheAgeMs: 600_000,
    maxTokenLifetimeSeconds: 3_600,
    now: clock.now,
  });
  const signer = createAccessTokenSigner({ issuer, keyRing, defaultAudience: 'orders', now: clock.now });
  const service = createRefreshTokenService({
    store: createMemoryRefreshTokenStore(),
    denylist: createTestDenylist(clock),
    now: clock.now,
    signAccessToken: (input) =>
      signer.sign({ sub: input.sub, scope: input.scope, claims: { ...claims, sid: input.familyId } }),
    ...serviceOptions,
  });
  return { keyRing, signer, service, store, clock };
}
