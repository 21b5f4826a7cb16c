import type { JwsAlgorithm } from '@jwks-kit/core';
import type { AccessTokenAlgorithm } from '@jwks-kit/verifier';

/**
 * The services' allow-list: every algorithm the auth service can be configured to sign with
 * (`SIGNING_ALG`). Each published key carries its `alg`, so a key still verifies only under its own;
 * the list only says which algorithms a key may be bound to (a migration RS256 → ES256 needs both).
 */
export const ACCEPTED_ALGORITHMS: readonly AccessTokenAlgorithm[] = ['RS256', 'PS256', 'ES256', 'EdDSA'];

/**
 * The DPoP proof algorithms the resource services accept (RFC 9449), advertised as
 * `dpop_signing_alg_values_supported` in their RFC 9728 metadata: the client's key, not the issuer's.
 */
export const DPOP_ALGORITHMS: readonly JwsAlgorithm[] = ['ES256', 'EdDSA'];
