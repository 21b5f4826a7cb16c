import type { DpopProofPolicyOptions } from '@jwks-kit/core';

/**
 * The `dpop` option of `requireAuth`: DPoP-bound access tokens (RFC 9449) on this route. The proof rules
 * (algorithms, `iat` window, leeway, replay store, nonces) are core's {@link DpopProofPolicyOptions}, shared with the
 * issuer's token endpoint; share one replay store between the replicas of a service (`createRedisDpopReplayStore` of
 * `@jwks-kit/denylist/redis`).
 */
export type DpopOptions = DpopProofPolicyOptions &
  Readonly<{
    /**
     * The service's public origin as clients call it (`https://api.example.com`): a proof's `htu` must be this origin
     * plus the request path (`req.originalUrl`, query ignored). Never taken from `Host`. Required.
     */
    publicOrigin: string;
    /** When true, the route is DPoP-only: a token presented as Bearer (header or cookie) is refused. @default false */
    required?: boolean;
  }>;
