import type { RefreshTokenGrant } from '@jwks-kit/issuer/sessions';
import { createClock } from '@jwks-kit/test-kit';
import { createSessionDeadlineBook } from '../src/session-deadlines.js';

const grant = (familyId: string, refreshTokenExpiresAtMs: number): RefreshTokenGrant => ({
  familyId,
  refreshTokenExpiresAtMs,
  refreshToken: 'never-read',
  accessToken: 'never-read',
  accessTokenExp: 0,
  tokenType: 'Bearer',
});

describe('createSessionDeadlineBook', () => {
  it('keeps the login instant and absolute deadline, moves the refresh deadline on rotation, forgets ended sessions', () => {
    const clock = createClock(1_000_000);
    const book = createSessionDeadlineBook({ absoluteLifetimeMs: 60_000, now: clock.now });
    book.started(grant('f1', 1_030_000));
    clock.advance(10_000);
    book.rotated(grant('f1', 1_040_000));
    expect(book.get('f1')).toEqual({
      startedAtMs: 1_000_000,
      refreshExpiresAtMs: 1_040_000,
      absoluteExpiresAtMs: 1_060_000,
    });
    // A rotation of a session it never saw (another replica started it) records nothing.
    book.rotated(grant('elsewhere', 1_040_000));
    expect(book.get('elsewhere')).toBeUndefined();
    book.ended('f1');
    expect(book.get('f1')).toBeUndefined();
  });

  it('drops the oldest entry beyond maxEntries', () => {
    const book = createSessionDeadlineBook({ absoluteLifetimeMs: 60_000, maxEntries: 2 });
    for (const id of ['a', 'b', 'c']) book.started(grant(id, Date.now() + 1_000));
    expect([book.get('a'), book.get('b'), book.get('c')].map(Boolean)).toEqual([false, true, true]);
  });

  it('refuses bad options with a TypeError naming them', () => {
    expect(() => createSessionDeadlineBook({ absoluteLifetimeMs: 0 })).toThrow(/absoluteLifetimeMs/);
    expect(() => createSessionDeadlineBook({ absoluteLifetimeMs: 1, maxEntries: 1.5 })).toThrow(/maxEntries/);
  });
});
