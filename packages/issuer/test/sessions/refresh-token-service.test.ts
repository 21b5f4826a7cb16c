import { createMemoryRefreshTokenStore, createRefreshTokenService } from '../../src/sessions.js';
import { createTestDenylist, createTestSigner } from './refresh-fixtures.js';
import { createClock } from '@jwks-kit/test-kit';
import { refreshTokenServiceContract } from './refresh-token-service-contract.js';

describe('createRefreshTokenService over the memory store', () => {
  refreshTokenServiceContract(() => createMemoryRefreshTokenStore());
});

describe('createRefreshTokenService options', () => {
  it('rejects bad options with a TypeError naming the option', async () => {
    const clock = createClock();
    const base = {
      store: createMemoryRefreshTokenStore(),
      signAccessToken: (await createTestSigner(clock)).sign,
      denylist: createTestDenylist(clock),
    };
    expect(() => createRefreshTokenService({ ...base, graceMs: -1 })).toThrow(/option `graceMs`/);
    expect(() => createRefreshTokenService({ ...base, graceMs: 1.5 })).toThrow(/option `graceMs`/);
    expect(() => createRefreshTokenService({ ...base, absoluteLifetimeMs: 0 })).toThrow(/option `absoluteLifetimeMs`/);
    expect(() => createRefreshTokenService({ ...base, idleTimeoutMs: 10, absoluteLifetimeMs: 5 })).toThrow(
      /idleTimeoutMs/,
    );
    expect(() => createRefreshTokenService({ ...base, idleTimeoutMs: 10_000 })).toThrow(/option `graceMs`/);
    expect(() => createRefreshTokenService({ ...base, store: {} as never })).toThrow(/option `store`/);
    expect(() => createRefreshTokenService({ ...base, signAccessToken: 'x' as never })).toThrow(
      /option `signAccessToken`/,
    );
    expect(() => createRefreshTokenService({ ...base, denylist: {} as never })).toThrow(/option `denylist`/);
    expect(() => createRefreshTokenService({ ...base, now: 1 as never })).toThrow(/now/);
    await expect(createRefreshTokenService(base).start({ sub: '' })).rejects.toThrow(/sub/);
  });
});
