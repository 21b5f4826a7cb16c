import { DenylistError } from '../errors.js';
import { optionalFunction, optionalNumber, requiredString } from './validate-options.js';

/** Longest jti or sub accepted, in characters. */
export const MAX_ID_LENGTH = 256;
/** Longest issuer accepted, in characters. */
export const MAX_ISSUER_LENGTH = 1024;

/** The options every store shares, already validated. */
export interface RevocationSettings {
  readonly issuer: string;
  readonly leewaySeconds: number;
  readonly maxTokenLifetimeSeconds: number;
  readonly now: () => number;
}

/** A validated jti revocation: rejected while `now < expiresAtMs`. */
export interface JtiRevocation {
  readonly kind: 'jti';
  readonly ns: string;
  readonly id: string;
  readonly expiresAtMs: number;
}

/**
 * A validated "issued before" rule: tokens whose `sub` (kind `subject`) or `sid` (kind `session`) is
 * `id` and whose `iat < at` are rejected while `now < expiresAtMs`.
 */
export interface SubjectRevocation {
  readonly kind: 'subject' | 'session';
  readonly ns: string;
  readonly id: string;
  readonly at: number;
  readonly expiresAtMs: number;
}

/** Any kind of revocation. */
export type Revocation = JtiRevocation | SubjectRevocation;

/** The options shared by every store factory, before validation. */
export interface RevocationSettingsInput {
  readonly issuer?: unknown;
  readonly leewaySeconds?: unknown;
  readonly maxTokenLifetimeSeconds?: unknown;
  readonly now?: () => number;
}

/** Validates the shared options (TypeError naming the option) and applies defaults. */
export function resolveRevocationSettings(options: RevocationSettingsInput): RevocationSettings {
  if (options === null || typeof options !== 'object') throw new TypeError('options must be an object');
  return {
    issuer: requiredString('issuer', options.issuer, MAX_ISSUER_LENGTH),
    leewaySeconds: optionalNumber('leewaySeconds', options.leewaySeconds, 60, 0, 3600),
    maxTokenLifetimeSeconds: optionalNumber(
      'maxTokenLifetimeSeconds',
      options.maxTokenLifetimeSeconds,
      86_400,
      1,
      366 * 86_400,
    ),
    now: optionalFunction('now', options.now) ?? Date.now,
  };
}

/** True when `value` is a usable jti or sub: a string of 1 to 256 characters. */
export function isValidId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_ID_LENGTH;
}

function namespaceOf(issuer: unknown, settings: RevocationSettings): string {
  if (issuer === undefined) return settings.issuer;
  if (typeof issuer !== 'string' || issuer.length === 0 || issuer.length > MAX_ISSUER_LENGTH) {
    throw new DenylistError('ERR_INVALID_ISSUER', `issuer must be a string of 1 to ${MAX_ISSUER_LENGTH} characters`);
  }
  return issuer;
}

/**
 * Validates `revoke(jti, exp, issuer)`. Returns undefined when the token has already expired
 * (exp plus leeway is past: nothing to store), throws a typed error on bad input.
 */
export function planJtiRevocation(
  settings: RevocationSettings,
  jti: unknown,
  exp: unknown,
  issuer: unknown,
): JtiRevocation | undefined {
  if (!isValidId(jti))
    throw new DenylistError('ERR_INVALID_JTI', `jti must be a string of 1 to ${MAX_ID_LENGTH} characters`);
  const ns = namespaceOf(issuer, settings);
  if (typeof exp !== 'number' || !Number.isFinite(exp))
    throw new DenylistError('ERR_INVALID_EXP', 'exp must be a finite NumericDate');
  const nowMs = settings.now();
  const expiresAtMs = Math.ceil((exp + settings.leewaySeconds) * 1000);
  if (expiresAtMs <= nowMs) return undefined;
  if (exp * 1000 > nowMs + (settings.maxTokenLifetimeSeconds + settings.leewaySeconds) * 1000) {
    throw new DenylistError('ERR_INVALID_EXP', 'exp lies further ahead than maxTokenLifetimeSeconds allows');
  }
  return { kind: 'jti', ns, id: jti, expiresAtMs };
}

/**
 * Validates `revokeSubject(sub, at, issuer)`. `at` defaults to now rounded up to the next whole
 * second, so that no token issued in the same second as the revocation survives it. Returns
 * undefined when every token issued before `at` has already expired.
 */
export function planSubjectRevocation(
  settings: RevocationSettings,
  sub: unknown,
  at: unknown,
  issuer: unknown,
): SubjectRevocation | undefined {
  return planIssuedBefore('subject', settings, sub, at, issuer);
}

/** Validates `revokeSession(sid, before, issuer)`: the same rule as a subject revocation, keyed by `sid`. */
export function planSessionRevocation(
  settings: RevocationSettings,
  sid: unknown,
  before: unknown,
  issuer: unknown,
): SubjectRevocation | undefined {
  return planIssuedBefore('session', settings, sid, before, issuer);
}

function planIssuedBefore(
  kind: SubjectRevocation['kind'],
  settings: RevocationSettings,
  sub: unknown,
  at: unknown,
  issuer: unknown,
): SubjectRevocation | undefined {
  if (!isValidId(sub)) {
    const [code, name] =
      kind === 'subject' ? (['ERR_INVALID_SUB', 'sub'] as const) : (['ERR_INVALID_SID', 'sid'] as const);
    throw new DenylistError(code, `${name} must be a string of 1 to ${MAX_ID_LENGTH} characters`);
  }
  const ns = namespaceOf(issuer, settings);
  const nowMs = settings.now();
  const effectiveAt = at === undefined ? Math.ceil(nowMs / 1000) : at;
  if (typeof effectiveAt !== 'number' || !Number.isFinite(effectiveAt))
    throw new DenylistError('ERR_INVALID_AT', 'at must be a finite NumericDate');
  if (effectiveAt * 1000 > nowMs + settings.maxTokenLifetimeSeconds * 1000) {
    throw new DenylistError('ERR_INVALID_AT', 'at lies further ahead than maxTokenLifetimeSeconds allows');
  }
  const expiresAtMs = Math.ceil((effectiveAt + settings.maxTokenLifetimeSeconds + settings.leewaySeconds) * 1000);
  if (expiresAtMs <= nowMs) return undefined;
  return { kind, ns, id: sub, at: effectiveAt, expiresAtMs };
}

/** True when a token with this `iat` falls under a subject revocation at `at` (a missing or non-numeric iat does). */
export function isIssuedBefore(iat: unknown, at: number): boolean {
  return !(typeof iat === 'number' && iat >= at);
}

/** The namespace a token's claims are checked in: its `iss` when it is a string, else the configured issuer. */
export function claimsNamespace(iss: unknown, settings: RevocationSettings): string {
  return typeof iss === 'string' ? iss : settings.issuer;
}
