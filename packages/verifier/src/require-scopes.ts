import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AccessTokenClaims } from './access-token-verifier-options.js';
import { DEFAULT_REALM, VerifierError } from './errors.js';
import type { RequestAuth } from './express-augment.js';
import { isQuotableValue, isScopeToken } from './lib/challenge-syntax.js';
import { ownMember } from '@jwks-kit/core';

/** Options of the guards ({@link requireScopes}, {@link requireAnyScope}, {@link requireClaim}). */
export type GuardOptions = Readonly<{
  /** `realm` of the challenge; use the same as `requireAuth`. @default 'api' */
  realm?: string;
}>;

/**
 * Guard: every listed scope must be in the token's `scope` claim, else 403
 * `insufficient_scope` with `scope="…"` in the challenge. Mount after `requireAuth()`
 * (without `req.auth` it answers 401).
 */
export function requireScopes(scopes: string | readonly string[], options: GuardOptions = {}): RequestHandler {
  const required = scopeList(scopes, 'requireScopes');
  const realm = guardRealm(options);
  const scope = required.join(' ');
  return function requireScopesMiddleware(req: Request, _res: Response, next: NextFunction): void {
    const auth = req.auth;
    if (auth === undefined) return next(new VerifierError('missing_token', { realm }));
    for (const name of required)
      if (!auth.scopes.has(name)) return next(new VerifierError('insufficient_scope', { realm, scope }));
    next();
  };
}

/** Guard: at least one listed scope must be in the token's `scope` claim, else 403 `insufficient_scope`. */
export function requireAnyScope(scopes: string | readonly string[], options: GuardOptions = {}): RequestHandler {
  const accepted = scopeList(scopes, 'requireAnyScope');
  const realm = guardRealm(options);
  const scope = accepted.join(' ');
  return function requireAnyScopeMiddleware(req: Request, _res: Response, next: NextFunction): void {
    const auth = req.auth;
    if (auth === undefined) return next(new VerifierError('missing_token', { realm }));
    for (const name of accepted) if (auth.scopes.has(name)) return next();
    next(new VerifierError('insufficient_scope', { realm, scope }));
  };
}

/**
 * Guard: `predicate(claims[name], claims, auth)` must answer true, else 403 `insufficient_claims`.
 * The claim is read as an own property (`undefined` when the token does not carry it, whatever
 * `Object.prototype` holds). A predicate that throws refuses the request the same way (never a 500).
 */
export function requireClaim(
  name: string,
  predicate: (value: unknown, claims: AccessTokenClaims, auth: RequestAuth) => boolean,
  options: GuardOptions = {},
): RequestHandler {
  if (typeof name !== 'string' || name.length === 0)
    throw new TypeError('requireClaim(name): `name` must be a non-empty string');
  if (typeof predicate !== 'function')
    throw new TypeError('requireClaim(name, predicate): `predicate` must be a function');
  const realm = guardRealm(options);
  return function requireClaimMiddleware(req: Request, _res: Response, next: NextFunction): void {
    const auth = req.auth;
    if (auth === undefined) return next(new VerifierError('missing_token', { realm }));
    let allowed: boolean;
    try {
      allowed = predicate(ownMember(auth.claims, name), auth.claims, auth) === true;
    } catch {
      allowed = false;
    }
    next(allowed ? undefined : new VerifierError('insufficient_claims', { realm }));
  };
}

function scopeList(scopes: string | readonly string[], guard: string): string[] {
  const list = typeof scopes === 'string' ? [scopes] : scopes;
  if (
    !Array.isArray(list) ||
    list.length === 0 ||
    !list.every((scope) => typeof scope === 'string' && isScopeToken(scope))
  ) {
    throw new TypeError(
      `${guard}(scopes): \`scopes\` must be a scope or a non-empty array of scopes (no spaces, quotes or backslashes)`,
    );
  }
  return [...new Set(list as string[])];
}

function guardRealm(options: GuardOptions): string {
  const realm = options.realm ?? DEFAULT_REALM;
  if (typeof realm !== 'string' || realm.length === 0 || realm.length > 256 || !isQuotableValue(realm)) {
    throw new TypeError('option `realm` must be 1 to 256 printable ASCII characters without `"` or `\\`');
  }
  return realm;
}
