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

describe('createRefreshTokenService events: on(type, listener) answering the unsubscribe function', () => {
  it('reports to the listeners of a type until unsubscribed; a throwing listener is logged and the rotation goes on', async () => {
    const clock = createClock();
    const errors: unknown[] = [];
    const logger = { error: (fields: object) => errors.push(fields), warn() {}, info() {}, debug() {} };
    const service = createRefreshTokenService({
      store: createMemoryRefreshTokenStore(),
      signAccessToken: (await createTestSigner(clock)).sign,
      denylist: createTestDenylist(clock),
      now: clock.now,
      logger,
    });
    const rotated: string[] = [];
    const off = service.on('rotated', (event) => rotated.push(event.familyId));
    service.on('rotated', () => {
      throw new Error('listener bug');
    });
    const started: string[] = [];
    service.on('started', (event) => started.push(event.type));
    const first = await service.start({ sub: 'alice' });
    const second = await service.rotate(first.refreshToken);
    off();
    await service.rotate(second.refreshToken);
    expect(started).toEqual(['started']);
    expect(rotated).toEqual([first.familyId]);
    expect(errors).toHaveLength(2);
  });

  it('refuses the retired onEvent option instead of ignoring it', async () => {
    const clock = createClock();
    expect(() =>
      createRefreshTokenService({
        store: createMemoryRefreshTokenStore(),
        signAccessToken: async () => ({ token: 't', exp: 0 }) as never,
        denylist: createTestDenylist(clock),
        onEvent: () => undefined,
      } as never),
    ).toThrow(/option `onEvent` was renamed: use `service.on\(type, listener\)`/);
  });
});
