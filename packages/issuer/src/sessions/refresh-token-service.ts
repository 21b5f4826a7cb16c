import { createEventListeners, refuseRenamedOptions } from '@jwks-kit/core';
import { outcomeAttributes } from '@jwks-kit/core/telemetry';
import { checkIssuerLogger, type IssuerLogger } from '../lib/issuer-logger.js';
import { annotateSpan, count, traced } from '../lib/issuer-telemetry.js';
import { nextExpiry } from './lib/next-expiry.js';
import {
  familyIdOf,
  hashRefreshToken,
  newFamilyId,
  newRefreshToken,
  openSuccessor,
  sealSuccessor,
} from './lib/refresh-token-crypto.js';
import { RefreshTokenError } from './refresh-token-error.js';
import type { RefreshFamily, RefreshTokenStore } from './refresh-token-store.js';

/** What the service asks the access-token signer for. */
export interface RefreshAccessTokenInput {
  readonly sub: string;
  readonly scope?: string;
  readonly clientId?: string;
  /** The session: put it in the token's `sid` claim, which logout and reuse detection revoke by. */
  readonly familyId: string;
  /**
   * Thumbprint of the DPoP key the session is bound to: pass it to the signer's `jkt` (the token's `cnf.jkt`).
   * Present exactly when the family is bound; a signer that ignores it would issue a Bearer token for a DPoP grant.
   */
  readonly jkt?: string;
}

/** What the signer must answer: the compact JWT, its jti and exp (NumericDate, seconds). */
export interface RefreshAccessTokenResult {
  readonly token: string;
  readonly jti: string;
  readonly exp: number;
}

/** The part of a denylist the service uses (`@jwks-kit/denylist` stores fit). Times are NumericDates. */
export interface RefreshDenylist {
  /** Rejects every token of `sub` issued before `at` (reuse detection: every session of the user). */
  revokeSubject(sub: string, at?: number): Promise<void>;
  /** Rejects every token whose `sid` is `sid` issued before `before` (logout, family end). */
  revokeSession(sid: string, before?: number): Promise<void>;
}

/** Something worth logging; carries the family id only, never a token. */
export interface RefreshTokenEvent {
  /** `binding_refused`: a refresh whose DPoP proof did not fit the family's binding (nothing was changed). */
  readonly type: 'started' | 'rotated' | 'replayed' | 'reused' | 'expired' | 'ended' | 'binding_refused';
  readonly familyId: string;
}

/** What {@link RefreshTokenService.on} takes: each event type with its listener's argument. */
export type RefreshTokenEvents = { readonly [T in RefreshTokenEvent['type']]: [event: RefreshTokenEvent] };

/** Options of {@link createRefreshTokenService}. */
export type RefreshTokenServiceOptions = Readonly<{
  /** Where families live: `createMemoryRefreshTokenStore()` or `createRedisRefreshTokenStore(...)`. */
  store: RefreshTokenStore;
  /** Signs an access token for a family, e.g. `(i) => signer.sign({ sub: i.sub, scope: i.scope, clientId: i.clientId })`. */
  signAccessToken: (input: RefreshAccessTokenInput) => Promise<RefreshAccessTokenResult>;
  /** Revokes access tokens: on reuse the whole subject, on logout every token of the session (`sid` = family id). */
  denylist: RefreshDenylist;
  /** How long a rotated token still yields the same successor (concurrent requests); 0 disables. @default 10_000 */
  graceMs?: number;
  /** A family ends this long after login, whatever its use. @default 2_592_000_000 (30 days) */
  absoluteLifetimeMs?: number;
  /** A family ends when not rotated for this long; at most `absoluteLifetimeMs`. @default 1_209_600_000 (14 days) */
  idleTimeoutMs?: number;
  /** Clock in milliseconds since the epoch. @default Date.now */
  now?: () => number;
  /** pino/bunyan-shaped logger: each reuse detection (theft alarm) at warn with the family id. @default silent */
  logger?: IssuerLogger;
}>;

/** Tokens handed to the client after a login or a refresh. */
export interface RefreshTokenGrant {
  readonly refreshToken: string;
  readonly familyId: string;
  readonly accessToken: string;
  /** JWT NumericDate (seconds). */
  readonly accessTokenExp: number;
  /** The refresh token (and its family) is unusable from this instant, ms since the epoch. */
  readonly refreshTokenExpiresAtMs: number;
  /** `DPoP` when the access token carries `cnf.jkt` (RFC 9449 §5: the token response's `token_type`), else `Bearer`. */
  readonly tokenType: 'Bearer' | 'DPoP';
  /** Thumbprint of the DPoP key the family and its access tokens are bound to, when bound. */
  readonly jkt?: string;
}

/** Who a new family is for. */
export interface StartRefreshFamilyInput {
  readonly sub: string;
  readonly scope?: string;
  readonly clientId?: string;
  /**
   * Thumbprint (RFC 7638, base64url SHA-256) of the key of the verified DPoP proof of the token request: the family
   * is bound to it for life (every rotation needs a proof of that key) and every access token carries it as `cnf.jkt`.
   * Omit for a Bearer session, which can never become bound later.
   */
  readonly jkt?: string;
}

/** What the token request presented besides the refresh token. */
export interface RotateRefreshTokenInput {
  /** Thumbprint of the key of the verified DPoP proof of the request; omit when the request carried no proof. */
  readonly jkt?: string;
}

/** What a live refresh token stands for (RFC 7662 introspection, RFC 7009 ownership check). */
export interface RefreshTokenDescription {
  readonly familyId: string;
  readonly sub: string;
  readonly scope?: string;
  readonly clientId?: string;
  /** Thumbprint of the DPoP key the family is bound to, when bound. */
  readonly jkt?: string;
  /** Login time of the family, ms since the epoch. */
  readonly createdAtMs: number;
  /** The token is unusable from this instant, ms since the epoch. */
  readonly expiresAtMs: number;
}

/** Refresh-token rotation with reuse detection; see {@link createRefreshTokenService}. */
export interface RefreshTokenService {
  /** Starts a family (a login): first refresh token and access token. */
  start(input: StartRefreshFamilyInput): Promise<RefreshTokenGrant>;
  /**
   * Exchanges the live refresh token for a successor and a new access token; rejects with {@link RefreshTokenError}.
   * A family bound to a DPoP key rotates only with `input.jkt` equal to its binding; an unbound family only without
   * one. Such a refusal changes nothing: no rotation, no reuse alarm, the family lives on for its key holder.
   */
  rotate(refreshToken: string, input?: RotateRefreshTokenInput): Promise<RefreshTokenGrant>;
  /** Ends the family and revokes every access token of the session (`sid`); false when it did not exist. */
  revokeFamily(familyId: string): Promise<boolean>;
  /** Ends every family of `sub` and revokes all its access tokens (logout everywhere); answers how many families ended. */
  revokeAllForSubject(sub: string): Promise<number>;
  /** Ends the family of this token (head or earlier) like {@link revokeFamily}; false when unknown (nothing is revoked then). */
  logout(refreshToken: string): Promise<boolean>;
  /** The family of a live refresh token (the head, before its deadline); undefined for any other string. Changes nothing. */
  describe(refreshToken: string): Promise<RefreshTokenDescription | undefined>;
  /**
   * Calls `listener` with each lifecycle event of `type` (safe to log as is); answers the unsubscribe function.
   * A throwing listener is logged at error and never interrupts a rotation.
   */
  on<T extends RefreshTokenEvent['type']>(type: T, listener: (event: RefreshTokenEvent) => void): () => void;
}

/** RFC 7638 SHA-256 thumbprint in base64url: 43 characters. */
const JKT = /^[A-Za-z0-9_-]{43}$/;

const DEFAULTS = { graceMs: 10_000, absoluteLifetimeMs: 30 * 86_400_000, idleTimeoutMs: 14 * 86_400_000 };

function nonNegativeInteger(value: number, name: string, allowZero: boolean): number {
  if (!Number.isSafeInteger(value) || value < 0 || (!allowZero && value === 0)) {
    throw new TypeError(
      `option \`${name}\` must be a ${allowZero ? 'non-negative' : 'positive'} integer number of milliseconds`,
    );
  }
  return value;
}

function validate(options: RefreshTokenServiceOptions) {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  const { store, signAccessToken, denylist } = options;
  if (!store || typeof store.rotate !== 'function') throw new TypeError('option `store` must be a RefreshTokenStore');
  if (typeof signAccessToken !== 'function') throw new TypeError('option `signAccessToken` must be a function');
  if (!denylist || typeof denylist.revokeSubject !== 'function' || typeof denylist.revokeSession !== 'function') {
    throw new TypeError('option `denylist` must offer revokeSubject() and revokeSession()');
  }
  if (options.now !== undefined && typeof options.now !== 'function') throw new TypeError('now must be a function');
  refuseRenamedOptions(options, { onEvent: '`service.on(type, listener)` on the created service' });
  const graceMs = nonNegativeInteger(options.graceMs ?? DEFAULTS.graceMs, 'graceMs', true);
  const absoluteLifetimeMs = nonNegativeInteger(
    options.absoluteLifetimeMs ?? DEFAULTS.absoluteLifetimeMs,
    'absoluteLifetimeMs',
    false,
  );
  const idleTimeoutMs = nonNegativeInteger(
    options.idleTimeoutMs ?? Math.min(DEFAULTS.idleTimeoutMs, absoluteLifetimeMs),
    'idleTimeoutMs',
    false,
  );
  if (idleTimeoutMs > absoluteLifetimeMs)
    throw new TypeError('option `idleTimeoutMs` must not exceed absoluteLifetimeMs');
  if (graceMs >= idleTimeoutMs) throw new TypeError('option `graceMs` must be shorter than idleTimeoutMs');
  return {
    store,
    signAccessToken,
    denylist,
    graceMs,
    absoluteLifetimeMs,
    idleTimeoutMs,
    now: options.now ?? Date.now,
    logger: checkIssuerLogger(options.logger),
  };
}

const MESSAGES = {
  malformed: 'The refresh token is malformed.',
  invalid: 'The refresh token is not valid.',
  expired: 'The refresh token has expired.',
  reused: 'The refresh token was already used; the session has been revoked.',
  dpopRequired: 'The refresh token is bound to a DPoP key; a proof of that key is required.',
  dpopMismatch: 'The DPoP proof is not signed with the key the refresh token is bound to.',
  notBound: 'The refresh token is not bound to a DPoP key; it cannot become bound.',
} as const;

/** Throws a TypeError unless `jkt` is undefined or a base64url SHA-256 thumbprint. */
function checkJkt(jkt: unknown, name: string): void {
  if (jkt !== undefined && (typeof jkt !== 'string' || !JKT.test(jkt)))
    throw new TypeError(`${name} must be a base64url SHA-256 thumbprint (43 characters)`);
}

/**
 * The binding rule of a refresh (RFC 9449 §5): a bound family needs a proof of its own key, an unbound family no
 * proof. Answers the refusal, or undefined when the request fits.
 */
function bindingRefusal(family: RefreshFamily, jkt: string | undefined): RefreshTokenError | undefined {
  const { familyId } = family;
  if (family.jkt === undefined)
    return jkt === undefined
      ? undefined
      : new RefreshTokenError('ERR_REFRESH_TOKEN_NOT_DPOP_BOUND', MESSAGES.notBound, { familyId });
  if (jkt === undefined)
    return new RefreshTokenError('ERR_REFRESH_TOKEN_DPOP_REQUIRED', MESSAGES.dpopRequired, { familyId });
  return jkt === family.jkt
    ? undefined
    : new RefreshTokenError('ERR_REFRESH_TOKEN_DPOP_KEY_MISMATCH', MESSAGES.dpopMismatch, { familyId });
}

/**
 * Creates the refresh-token service: opaque 256-bit tokens stored as SHA-256, grouped in families
 * (one per login) and rotated atomically by the store. Presenting a rotated token outside the grace
 * window ends every family of the subject (all its sessions) and revokes all its access tokens. Inside the grace window the
 * same successor is returned (it is kept encrypted under a key derived from the old token), so
 * concurrent refreshes never raise a false alarm and never fork the family.
 */
export function createRefreshTokenService(options: RefreshTokenServiceOptions): RefreshTokenService {
  const { store, signAccessToken, denylist, graceMs, absoluteLifetimeMs, idleTimeoutMs, now, logger } =
    validate(options);
  const events = createEventListeners<RefreshTokenEvents>((error) =>
    logger?.error({ err: error }, 'a refresh-token event listener threw'),
  );
  const report = observed((event) => events.emit(event.type, event), logger);

  const grant = (family: RefreshFamily, refreshToken: string, access: RefreshAccessTokenResult): RefreshTokenGrant => ({
    refreshToken,
    familyId: family.familyId,
    accessToken: access.token,
    accessTokenExp: access.exp,
    refreshTokenExpiresAtMs: family.expiresAtMs,
    tokenType: family.jkt === undefined ? 'Bearer' : 'DPoP',
    ...(family.jkt === undefined ? {} : { jkt: family.jkt }),
  });

  const sign = (family: Pick<RefreshFamily, 'sub' | 'scope' | 'clientId' | 'familyId' | 'jkt'>) =>
    signAccessToken({
      sub: family.sub,
      familyId: family.familyId,
      ...(family.scope === undefined ? {} : { scope: family.scope }),
      ...(family.clientId === undefined ? {} : { clientId: family.clientId }),
      ...(family.jkt === undefined ? {} : { jkt: family.jkt }),
    });

  /** Tokens issued up to the end of the current second fall under a revocation made now. */
  const nextSecond = () => Math.floor(now() / 1000) + 1;

  /**
   * Ends the family and revokes every access token of the session (`sid`), however many were issued. The session
   * is revoked even when the family is already gone (ended at its deadline, say): its access tokens may still be alive.
   */
  const endFamily = async (familyId: string): Promise<boolean> => {
    const ended = await store.end(familyId);
    await denylist.revokeSession(familyId, nextSecond());
    if (!ended) return false;
    report({ type: 'ended', familyId });
    return true;
  };

  /** Ends every family of `sub` and revokes every access token it holds (iat up to the next whole second). */
  const endSubject = async (sub: string): Promise<number> => {
    const ended = await Promise.all((await store.familiesOf(sub)).map(endFamily));
    await denylist.revokeSubject(sub, nextSecond());
    return ended.filter(Boolean).length;
  };

  /** Rotation, grace replay, reuse detection or expiry of one presented token. */
  const rotateOnce = async (refreshToken: string, jkt: string | undefined): Promise<RefreshTokenGrant> => {
    if (typeof refreshToken !== 'string' || refreshToken === '') {
      throw new RefreshTokenError('ERR_REFRESH_TOKEN_MISSING', 'No refresh token was presented.');
    }
    const familyId = familyIdOf(refreshToken);
    if (!familyId) throw new RefreshTokenError('ERR_REFRESH_TOKEN_MALFORMED', MESSAGES.malformed);
    const presentedHash = hashRefreshToken(refreshToken);
    const found = await store.find(familyId, presentedHash);
    if (!found) throw new RefreshTokenError('ERR_REFRESH_TOKEN_INVALID', MESSAGES.invalid);
    // Before rotation and reuse detection, and on any token of the chain: without the family's key a stolen token
    // (even a rotated one) can neither rotate nor end the session. The binding never changes, so reading it
    // before the atomic rotation is safe.
    const refusal = bindingRefusal(found.family, jkt);
    if (refusal) {
      report({ type: 'binding_refused', familyId });
      throw refusal;
    }
    const access = await sign(found.family);
    const successor = newRefreshToken(familyId);
    const outcome = await store.rotate({
      familyId,
      presentedHash,
      successorHash: hashRefreshToken(successor),
      sealedSuccessor: sealSuccessor(refreshToken, familyId, successor),
      nowMs: now(),
      graceMs,
      idleTimeoutMs,
    });
    switch (outcome.kind) {
      case 'rotated':
        report({ type: 'rotated', familyId });
        return grant(outcome.family, successor, access);
      case 'replayed': {
        const same = openSuccessor(refreshToken, familyId, outcome.sealedSuccessor);
        if (same === undefined)
          throw new RefreshTokenError('ERR_REFRESH_TOKEN_INVALID', MESSAGES.invalid, { familyId });
        report({ type: 'replayed', familyId });
        return grant(outcome.family, same, access);
      }
      case 'reused':
        await endSubject(outcome.family.sub);
        report({ type: 'reused', familyId });
        throw new RefreshTokenError('ERR_REFRESH_TOKEN_REUSED', MESSAGES.reused, { familyId });
      case 'expired':
        report({ type: 'expired', familyId });
        throw new RefreshTokenError('ERR_REFRESH_TOKEN_EXPIRED', MESSAGES.expired, { familyId });
      case 'invalid':
        throw new RefreshTokenError('ERR_REFRESH_TOKEN_INVALID', MESSAGES.invalid);
    }
  };

  return {
    async start(input) {
      if (typeof input?.sub !== 'string' || input.sub === '') throw new TypeError('sub must be a non-empty string');
      checkJkt(input.jkt, 'jkt');
      const familyId = newFamilyId();
      const refreshToken = newRefreshToken(familyId);
      const nowMs = now();
      const absoluteExpiresAtMs = nowMs + absoluteLifetimeMs;
      const family: RefreshFamily = {
        familyId,
        sub: input.sub,
        ...(input.scope === undefined ? {} : { scope: input.scope }),
        ...(input.clientId === undefined ? {} : { clientId: input.clientId }),
        ...(input.jkt === undefined ? {} : { jkt: input.jkt }),
        createdAtMs: nowMs,
        absoluteExpiresAtMs,
        lastUsedAtMs: nowMs,
        expiresAtMs: nextExpiry(absoluteExpiresAtMs, nowMs, idleTimeoutMs),
        headHash: hashRefreshToken(refreshToken),
      };
      const access = await sign(family);
      await store.create(family);
      report({ type: 'started', familyId });
      return grant(family, refreshToken, access);
    },

    rotate(refreshToken, input) {
      try {
        checkJkt(input?.jkt, 'input.jkt');
      } catch (error) {
        return Promise.reject(error as Error);
      }
      return traced('jwks_kit.refresh.rotate', {}, () => rotateOnce(refreshToken, input?.jkt));
    },

    revokeFamily(familyId) {
      if (typeof familyId !== 'string' || familyId === '')
        return Promise.reject(new TypeError('familyId must be a non-empty string'));
      return endFamily(familyId);
    },

    async revokeAllForSubject(sub) {
      if (typeof sub !== 'string' || sub === '') throw new TypeError('sub must be a non-empty string');
      return endSubject(sub);
    },

    async logout(refreshToken) {
      const familyId = typeof refreshToken === 'string' ? familyIdOf(refreshToken) : undefined;
      if (!familyId) return false;
      if (!(await store.find(familyId, hashRefreshToken(refreshToken)))) return false;
      return endFamily(familyId);
    },
    async describe(refreshToken) {
      const familyId = typeof refreshToken === 'string' ? familyIdOf(refreshToken) : undefined;
      if (!familyId) return undefined;
      const found = await store.find(familyId, hashRefreshToken(refreshToken));
      if (found?.state !== 'head' || found.family.expiresAtMs <= now()) return undefined;
      const { sub, scope, clientId, jkt, createdAtMs, expiresAtMs } = found.family;
      return {
        familyId,
        sub,
        scope,
        clientId,
        ...(jkt === undefined ? {} : { jkt }),
        createdAtMs,
        expiresAtMs,
      };
    },
    on: (type, listener) => events.on(type, listener),
  };
}

const COUNTED = new Set(['rotated', 'replayed', 'reused', 'expired', 'binding_refused']);

/** The listeners plus the metrics (refresh outcomes) and the reuse log. */
function observed(
  emit: (event: RefreshTokenEvent) => void,
  logger: IssuerLogger | undefined,
): (event: RefreshTokenEvent) => void {
  return (event) => {
    if (COUNTED.has(event.type)) {
      const attributes = outcomeAttributes(event.type);
      count('jwks_kit.issuer.refresh.outcomes', attributes);
      annotateSpan(attributes);
    }
    if (event.type === 'reused')
      logger?.warn({ familyId: event.familyId }, 'refresh token reuse detected: every session of the user ended');
    emit(event);
  };
}
