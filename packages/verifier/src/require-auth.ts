import { isAllowedOrigin, parseAllowedOriginsOption } from '@jwks-kit/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AccessTokenVerifierOptions } from './access-token-verifier-options.js';
import { createAccessTokenVerifier, type VerifiedAccessToken } from './create-access-token-verifier.js';
import type { DpopOptions } from './dpop-options.js';
import { VerifierError, isVerifierError, rebuildVerifierError } from './errors.js';
import type { RequestAuth } from './express-augment.js';
import { assertBearerSyntax, findToken, type FoundToken, type GetTokenOptions } from './get-token.js';
import { isQuotableValue } from './lib/challenge-syntax.js';
import {
  boundJkt,
  checkDpopProof,
  hasConfirmation,
  resolveDpopOptions,
  type ResolvedDpop,
} from './lib/dpop-request.js';
import { parseJwksUrlOption } from './lib/jwks-url.js';
import { reserveRequestShape as reserveShape } from './lib/reserve-request-shape.js';
import type { KeySet } from './key-set.js';
import type { VerifierHealth } from './lib/verifier-health.js';

/** Options of {@link requireAuth}: the verifier's options plus where tokens come from. */
export type RequireAuthOptions = AccessTokenVerifierOptions &
  Readonly<{
    /** Cookie that may carry the access token (httpOnly, e.g. `__Host-access`); without it only the header counts. @default undefined */
    cookieName?: string;
    /** Origins (e.g. `https://app.example.com`) allowed to send cookie-authenticated POST/PUT/PATCH/DELETE; list the page's own origin too (the request's `Host` never counts). @default [] */
    allowedOrigins?: readonly string[];
    /** When false, a request without any token passes on without `req.auth` (a bad token is still refused). @default true */
    authRequired?: boolean;
    /**
     * URL of this resource's RFC 9728 metadata (see `protectedResourceMetadataUrl()`), sent as
     * `resource_metadata="…"` in every 401 challenge so that clients can find the authorization server.
     * @default undefined
     */
    resourceMetadataUrl?: string;
    /**
     * Accept DPoP-bound tokens (RFC 9449): `Authorization: DPoP <token>` with one `DPoP` proof header, checked on
     * every request (the token may come from the verified-token cache, the proof never does). Whatever this option,
     * a token carrying `cnf` presented as Bearer is refused (no downgrade). @default undefined
     */
    dpop?: DpopOptions;
    /**
     * On the first request, prepend one `request` listener to its server (`req.socket.server`, once per server) that
     * gives every later request own members before Express runs: `auth` (`undefined`), and on an Express server also
     * the members Express adds itself (`req.res`, `next`, `baseUrl`, `originalUrl`, `params`, `route`; `res.req`,
     * `locals`), all `undefined`. Express 5 makes each request's hidden class its own (`Object.setPrototypeOf` in
     * `app.handle`), so every member added afterwards copies the request's property table and leaves every later
     * property access on a hidden class no cache has seen: about 135,000 instructions per request of Express's own
     * work (a quarter of it), of which `auth` alone was 16,000. `false` leaves the server alone. @default true
     */
    reserveRequestShape?: boolean;
  }>;

/** The middleware returned by {@link requireAuth}, with the lifecycle of the key caches it created. */
export type RequireAuthHandler = RequestHandler & {
  /**
   * The production startup step: resolves once every key set holds keys; rejects with the fetch's
   * `KeySetError` (`ERR_JWKS_NETWORK`, `ERR_JWKS_TIMEOUT`, `ERR_JWKS_HTTP_STATUS`, …).
   */
  ready(): Promise<void>;
  /** Health of the key sets, for a readiness probe (`readinessHandler({ jwks: authenticate })`). */
  health(): VerifierHealth;
  /** The key set of each trusted issuer, by `iss` (events of the sets created for `jwksUri`). */
  readonly keySets: ReadonlyMap<string, KeySet>;
  /** Stops the key caches created for `jwksUri`. */
  close(): Promise<void>;
};

/** RFC 6265 cookie-name token. */
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Express middleware that verifies the request's access token and sets `req.auth`; refusals go to
 * `next(err)` as a {@link VerifierError} carrying `status` and `headers` (RFC 6750). Options are
 * validated here (TypeError naming the option).
 */
export function requireAuth(options: RequireAuthOptions): RequireAuthHandler {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  const { cookieName, authRequired = true, reserveRequestShape = true } = options;
  if (cookieName !== undefined && (typeof cookieName !== 'string' || !COOKIE_NAME.test(cookieName))) {
    throw new TypeError('option `cookieName` must be a cookie name (RFC 6265 token)');
  }
  if (typeof authRequired !== 'boolean') throw new TypeError('option `authRequired` must be a boolean');
  if (typeof reserveRequestShape !== 'boolean') throw new TypeError('option `reserveRequestShape` must be a boolean');
  const allowedOrigins = parseAllowedOriginsOption(options.allowedOrigins ?? []);
  const resourceMetadata = metadataUrl(options.resourceMetadataUrl);
  const dpop = resolveDpopOptions(options.dpop);
  const {
    cookieName: _c,
    allowedOrigins: _a,
    authRequired: _r,
    resourceMetadataUrl: _m,
    dpop: _d,
    reserveRequestShape: _s,
    ...verifierOptions
  } = options;
  const verifier = createAccessTokenVerifier(verifierOptions);
  const realm = options.realm;
  const now = options.now ?? Date.now;
  const tokenOptions: GetTokenOptions = { cookieName, realm, dpop: dpop !== undefined };
  const missingChallenge = dpop === undefined ? undefined : dpop.required ? dpop.challenge : dpop.bothChallenge;

  /** A verified token: Bearer (refused when it carries `cnf`) or DPoP (its proof checked now). */
  const accept = (req: Request, result: VerifiedAccessToken, found: FoundToken, next: NextFunction): void => {
    if (found.scheme === 'Bearer') {
      if (hasConfirmation(result.claims)) next(downgrade(realm, dpop));
      else {
        req.auth = toRequestAuth(result, found, undefined);
        next();
      }
      return;
    }
    const jkt = boundJkt(result.claims);
    if (jkt === undefined || dpop === undefined) {
      next(
        new VerifierError('invalid_token', { realm, description: UNBOUND, cause: 'no cnf.jkt', dpop: dpop?.challenge }),
      );
      return;
    }
    checkDpopProof(dpop, req, found.token, jkt, now(), realm).then(
      () => {
        req.auth = toRequestAuth(result, found, jkt);
        next();
      },
      (error: unknown) => next(asVerifierError(error, realm)),
    );
  };

  /** Until the first request's server is found: see `reserveRequestShape`. */
  let serverPending = reserveRequestShape;

  const handler = function requireAuthMiddleware(req: Request, res: Response, done: NextFunction): void {
    if (serverPending) serverPending = !reserveShape(req, res);
    const next =
      resourceMetadata === undefined ? done : (error?: unknown) => done(withMetadata(error, resourceMetadata));
    let found: FoundToken | undefined;
    let verified: VerifiedAccessToken | Promise<VerifiedAccessToken>;
    try {
      found = findToken(req, tokenOptions);
      if (found === undefined) {
        if (authRequired) next(new VerifierError('missing_token', { realm, dpop: missingChallenge }));
        else next();
        return;
      }
      if (dpop?.required === true && found.scheme !== 'DPoP') {
        next(new VerifierError('invalid_token', { realm, description: DPOP_ONLY, dpop: dpop.challenge }));
        return;
      }
      if (found.source === 'cookie' && !isAllowedOrigin(req, allowedOrigins)) {
        next(new VerifierError('origin_not_allowed', { realm }));
        return;
      }
      try {
        verified = verifier.verifySync(found.token);
      } catch (error) {
        // the header token's b64token syntax (400) is only in question when it did not verify
        assertBearerSyntax(found, realm);
        throw error;
      }
    } catch (error) {
      next(refusal(error, found, realm, dpop));
      return;
    }
    if (verified instanceof Promise) {
      const token = found;
      verified.then(
        (result) => accept(req, result, token, next),
        (error: unknown) => next(refusal(error, token, realm, dpop)),
      );
      return;
    }
    accept(req, verified, found, next);
  };
  return Object.assign(handler, {
    ready: () => verifier.ready(),
    health: () => verifier.health(),
    keySets: verifier.keySets,
    close: () => verifier.close(),
  });
}

function toRequestAuth(result: VerifiedAccessToken, found: FoundToken, jkt: string | undefined): RequestAuth {
  return new VerifiedRequestAuth(result, found, jkt);
}

/** `req.auth`: its `scopes` are the verification's own, read (and split) only when a route asks for them. */
class VerifiedRequestAuth implements RequestAuth {
  readonly claims: RequestAuth['claims'];
  readonly token: string;
  readonly source: RequestAuth['source'];
  readonly scheme: RequestAuth['scheme'];
  readonly kid: string;
  readonly issuer: string;
  readonly #result: VerifiedAccessToken;

  constructor(
    result: VerifiedAccessToken,
    found: FoundToken,
    readonly jkt: string | undefined,
  ) {
    this.claims = result.claims;
    this.token = found.token;
    this.source = found.source;
    this.scheme = found.scheme;
    this.kid = result.kid;
    this.issuer = result.issuer;
    this.#result = result;
  }

  get scopes(): ReadonlySet<string> {
    return this.#result.scopes;
  }
}

const UNBOUND = 'The access token is not bound to a DPoP key';
const DPOP_ONLY = 'This resource requires a DPoP-bound access token';

/** A token carrying `cnf` presented as Bearer: refused (RFC 9449 §7.2, no downgrade), with or without the `dpop` option. */
function downgrade(realm: string | undefined, dpop: ResolvedDpop | undefined): VerifierError {
  return new VerifierError('invalid_token', {
    realm,
    description: 'The access token is bound to a key and must be presented with its proof',
    cause: 'token with cnf presented as Bearer',
    dpop: dpop?.bothChallenge,
  });
}

/** The refusal of a token: a request that used the DPoP scheme answers with the DPoP challenge. */
function refusal(
  error: unknown,
  found: FoundToken | undefined,
  realm: string | undefined,
  dpop: ResolvedDpop | undefined,
): VerifierError {
  const refused = asVerifierError(error, realm);
  if (found?.scheme !== 'DPoP' || dpop === undefined || refused.headers['WWW-Authenticate'] === undefined)
    return refused;
  return rebuildVerifierError(refused, { realm, dpop: dpop.challenge });
}

function metadataUrl(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const url = parseJwksUrlOption(value, 'resourceMetadataUrl', false).href;
  if (!isQuotableValue(url)) throw new TypeError('option `resourceMetadataUrl` must be quotable in a challenge');
  return url;
}

/** The same refusal with `resource_metadata` in its challenge (refusals without a challenge pass unchanged). */
function withMetadata(error: unknown, resourceMetadata: string): unknown {
  if (!isVerifierError(error) || error.headers['WWW-Authenticate'] === undefined) return error;
  return rebuildVerifierError(error, { resourceMetadata });
}

function asVerifierError(error: unknown, realm: string | undefined): VerifierError {
  return isVerifierError(error) ? error : new VerifierError('invalid_token', { realm, cause: error });
}
