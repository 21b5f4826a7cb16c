import { createClock } from '@jwks-kit/test-kit';
import { createMemoryDenylist, DenylistError } from '../src/index.js';
import { describeDenylistContract } from './denylist-contract.js';

describeDenylistContract('memory', async (options) => createMemoryDenylist({ ...options, sweepIntervalMs: 0 }));

describe('createMemoryDenylist', () => {
  const issuer = 'https://auth.example.test';

  it('answers check() synchronously', async () => {
    const denylist = createMemoryDenylist({ issuer });
    await denylist.revoke('a', Math.floor(Date.now() / 1000) + 60);
    expect(denylist.check({ jti: 'a' })).toBe(true);
    await denylist.close();
  });

  it('refuses a new revocation with ERR_DENYLIST_FULL rather than dropping one, and makes room once entries expire', async () => {
    const clock = createClock();
    const nowS = clock.nowSeconds();
    const denylist = createMemoryDenylist({
      issuer,
      maxEntries: 2,
      leewaySeconds: 0,
      sweepIntervalMs: 0,
      now: clock.now,
    });
    await denylist.revoke('a', nowS + 10);
    await denylist.revokeSubject('user-1', nowS);
    const error = await denylist.revoke('c', nowS + 100).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DenylistError);
    expect((error as DenylistError).code).toBe('ERR_DENYLIST_FULL');
    expect(denylist.check({ jti: 'a' })).toBe(true);
    expect(denylist.check({ sub: 'user-1', iat: nowS - 1 })).toBe(true);
    // strengthening an existing entry needs no room
    await denylist.revoke('a', nowS + 20);
    clock.advance(21_000);
    await denylist.revoke('c', nowS + 100);
    expect(denylist.check({ jti: 'c' })).toBe(true);
    expect(denylist.size).toBe(2);
    expect(denylist.health()).toMatchObject({ state: 'ok', mode: 'memory', size: 2 });
    await denylist.close();
  });

  it('validates options at creation with a TypeError naming the option', () => {
    expect(() => createMemoryDenylist({} as never)).toThrow(/option `issuer`/);
    expect(() => createMemoryDenylist({ issuer: '' })).toThrow(/option `issuer`/);
    expect(() => createMemoryDenylist({ issuer, leewaySeconds: -1 })).toThrow(/option `leewaySeconds`/);
    expect(() => createMemoryDenylist({ issuer, maxTokenLifetimeSeconds: 0 })).toThrow(
      /option `maxTokenLifetimeSeconds`/,
    );
    expect(() => createMemoryDenylist({ issuer, maxEntries: Number.NaN })).toThrow(/option `maxEntries`/);
    expect(() => createMemoryDenylist({ issuer, sweepIntervalMs: '5' as never })).toThrow(/option `sweepIntervalMs`/);
    expect(() => createMemoryDenylist({ issuer, now: 5 as never })).toThrow(/option `now`/);
    expect(() => createMemoryDenylist(null as never)).toThrow(TypeError);
  });
});
