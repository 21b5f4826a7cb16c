import type { RefreshTokenGrant } from '@jwks-kit/issuer/sessions';

/** When a login session (refresh family) ends, in ms since the epoch: what the page draws. */
export type SessionDeadlines = Readonly<{
  /** The login. */
  startedAtMs: number;
  /** The refresh token dies at this instant unless rotated before (idle timeout, capped by the absolute lifetime). */
  refreshExpiresAtMs: number;
  /** The session ends at this instant, however often it is refreshed. */
  absoluteExpiresAtMs: number;
}>;

/** Deadlines of the sessions this auth process started or rotated; see {@link createSessionDeadlineBook}. */
export interface SessionDeadlineBook {
  /** Records a login's grant. */
  started(grant: RefreshTokenGrant): void;
  /** Records a rotation's grant (the idle deadline moves). */
  rotated(grant: RefreshTokenGrant): void;
  /** Forgets an ended session. */
  ended(familyId: string): void;
  /** The deadlines of a session, or `undefined` when this process never saw it (or it ended). */
  get(familyId: string): SessionDeadlines | undefined;
}

/** Options of {@link createSessionDeadlineBook}. */
export type SessionDeadlineBookOptions = Readonly<{
  /** The refresh-token service's `absoluteLifetimeMs`. */
  absoluteLifetimeMs: number;
  /** Entries kept; the oldest is dropped beyond. @default 10000 */
  maxEntries?: number;
  /** @default Date.now */
  now?: () => number;
}>;

/**
 * A bounded in-memory record of session deadlines for display: the refresh token's own deadline comes
 * from the service's grants (`refreshTokenExpiresAtMs`), the absolute one from the login instant plus
 * the configured lifetime. Display only, never consulted for a decision: the refresh-token store
 * stays the authority, and a session this process did not see (another replica) has no entry.
 */
export function createSessionDeadlineBook(options: SessionDeadlineBookOptions): SessionDeadlineBook {
  const now = options.now ?? Date.now;
  const maxEntries = options.maxEntries ?? 10_000;
  if (!Number.isSafeInteger(options.absoluteLifetimeMs) || options.absoluteLifetimeMs <= 0)
    throw new TypeError('absoluteLifetimeMs must be a positive integer number of milliseconds');
  if (!Number.isSafeInteger(maxEntries) || maxEntries <= 0)
    throw new TypeError('maxEntries must be a positive integer');
  const book = new Map<string, SessionDeadlines>();
  const put = (familyId: string, deadlines: SessionDeadlines) => {
    book.delete(familyId);
    book.set(familyId, deadlines);
    if (book.size > maxEntries) book.delete(book.keys().next().value as string);
  };
  return {
    started(grant) {
      const startedAtMs = now();
      put(grant.familyId, {
        startedAtMs,
        refreshExpiresAtMs: grant.refreshTokenExpiresAtMs,
        absoluteExpiresAtMs: startedAtMs + options.absoluteLifetimeMs,
      });
    },
    rotated(grant) {
      const known = book.get(grant.familyId);
      if (known) put(grant.familyId, { ...known, refreshExpiresAtMs: grant.refreshTokenExpiresAtMs });
    },
    ended(familyId) {
      book.delete(familyId);
    },
    get(familyId) {
      return book.get(familyId);
    },
  };
}
