import type { DpopNonces, DpopReplayStore, JwsAlgorithm } from '@jwks-kit/core';

/** The `dpop` option of `requireAuth`: DPoP-bound access tokens (RFC 9449) on this route. */
export type DpopOptions = Readonly<{
  /**
   * The service's public origin as clients call it (`https://api.example.com`): a proof's `htu` must be this origin
   * plus the request path (`req.originalUrl`, query ignored). Never taken from `Host`. Required.
   */
  publicOrigin: string;
  /** When true, the route is DPoP-only: a token presented as Bearer (header or cookie) is refused. @default false */
  required?: boolean;
  /** Proof algorithms accepted (asymmetric: any of `RS256`, `PS256`, `ES256`, `EdDSA`…). @default ['ES256', 'EdDSA'] */
  algorithms?: readonly JwsAlgorithm[];
  /** A proof's `iat` may be this far from now, either way. @default 60 */
  iatWindowSeconds?: number;
  /** Clock skew allowed on top of `iatWindowSeconds`. @default 5 */
  leewaySeconds?: number;
  /**
   * Where each proof's `jkt:jti` is recorded once. Share one store between the replicas of a service
   * (`createRedisDpopReplayStore` of `@jwks-kit/denylist/redis`); a store that rejects gives 503.
   * @default createMemoryDpopReplayStore() (this process only)
   */
  replayStore?: DpopReplayStore;
  /** Server nonces (`createDpopNonces` of `@jwks-kit/core`): when set, every proof must carry a current one. @default undefined */
  nonces?: DpopNonces;
}>;
