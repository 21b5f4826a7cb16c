import type { AccessTokenClaims } from '../access-token-verifier-options.js';
import type { VerifiedAccessToken } from '../create-access-token-verifier.js';
import { ownMember } from '@jwks-kit/core';
import { ScopeSet } from './scope-set.js';

/**
 * A {@link VerifiedAccessToken}, frozen. Its `scopes` are split from the `scope` claim on first read and then
 * kept: a request whose route checks no scope never splits, and a cached token splits once for all its requests.
 */
export class VerifiedToken implements VerifiedAccessToken {
  #scopes: ReadonlySet<string> | undefined;

  constructor(
    readonly claims: AccessTokenClaims,
    readonly kid: string,
    readonly issuer: string,
  ) {
    Object.freeze(this);
  }

  get scopes(): ReadonlySet<string> {
    // checkClaims let through only an own string scope, or none.
    return (this.#scopes ??= scopesOf(ownMember(this.claims, 'scope') as string | undefined));
  }
}

function scopesOf(scope: string | undefined): ReadonlySet<string> {
  return new ScopeSet(
    scope === undefined || scope.length === 0 ? [] : scope.split(' ').filter((value) => value.length > 0),
  );
}
