import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { readIssuer01Record, startRedis, type TestRedis } from '@jwks-kit/test-kit';
import { createRedisRefreshTokenStore } from '../../src/redis.js';
import { hashRefreshToken } from '../../src/sessions/lib/refresh-token-crypto.js';
import { rejection, setup } from './refresh-token-service-contract.js';

/**
 * A family as `@jwks-kit/issuer` 0.1 left it in Redis (HGETALL of its family and rotated-token hashes, and the
 * two tokens): started at `createdAt`, rotated once at `nowMs`, written by that release's own code.
 */
interface Fixture {
  readonly familyId: string;
  readonly nowMs: number;
  readonly headToken: string;
  readonly rotatedToken: string;
  readonly family: Record<string, string>;
  readonly rotated: Record<string, string>;
}

const OLD_NAMES = ['createdAt', 'absoluteExpiresAt', 'lastUsedAt', 'expiresAt'];

let redis: TestRedis;
let client: Redis;
let fixture: Fixture;

beforeAll(async () => {
  redis = await startRedis();
  client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  fixture = JSON.parse(await readIssuer01Record('refresh-family-redis'));
});
afterAll(async () => {
  client.disconnect();
  if (redis.owned) await redis.stop();
});

/** The fixture's hashes under a fresh prefix, and a service over them whose clock stands 1 s after the rotation. */
async function restore(family: Record<string, string> = fixture.family) {
  const keyPrefix = `test:${randomBytes(6).toString('hex')}:`;
  const base = `${keyPrefix}{${fixture.familyId}}`;
  await client.hset(`${base}:f`, family);
  await client.hset(`${base}:r`, fixture.rotated);
  const context = await setup(createRedisRefreshTokenStore(client, { keyPrefix }), {
    idleTimeoutMs: 1_209_600_000,
  });
  context.clock.set(fixture.nowMs + 1_000);
  return { ...context, familyHash: `${base}:f` };
}

describe('a refresh family written by 0.1 (createdAt, absoluteExpiresAt, lastUsedAt, expiresAt)', () => {
  it('is read under its old field names', async () => {
    const { service } = await restore();
    expect(await service.describe(fixture.headToken)).toMatchObject({
      familyId: fixture.familyId,
      sub: 'alice',
      scope: 'orders:read',
      clientId: 'web',
      createdAtMs: Number(fixture.family.createdAt),
      expiresAtMs: Number(fixture.family.expiresAt),
    });
  });

  it('rotates, and the rotation rewrites the hash under the …AtMs names only, with the same instants', async () => {
    const { service, clock, familyHash } = await restore();
    const grant = await service.rotate(fixture.headToken);
    const stored = await client.hgetall(familyHash);
    for (const name of OLD_NAMES) expect(stored).not.toHaveProperty(name);
    expect(stored).toMatchObject({
      sub: 'alice',
      createdAtMs: fixture.family.createdAt,
      absoluteExpiresAtMs: fixture.family.absoluteExpiresAt,
      lastUsedAtMs: String(clock.now()),
      expiresAtMs: String(clock.now() + 1_209_600_000),
    });
    expect(grant.refreshTokenExpiresAtMs).toBe(clock.now() + 1_209_600_000);
    expect(await service.describe(grant.refreshToken)).toMatchObject({ createdAtMs: Number(fixture.family.createdAt) });
  });

  it("keeps 0.1's reuse detection: its rotated token, presented after the grace window, ends the family", async () => {
    const { service, clock } = await restore();
    clock.advance(60_000);
    expect((await rejection(service.rotate(fixture.rotatedToken))).code).toBe('ERR_REFRESH_TOKEN_REUSED');
    expect(await service.describe(fixture.headToken)).toBeUndefined();
  });

  it.each([
    ['without expiresAt nor expiresAtMs', (family: Record<string, string>) => omit(family, 'expiresAt')],
    ['with a non-numeric expiresAt', (family: Record<string, string>) => ({ ...family, expiresAt: 'soon' })],
    ['with a non-numeric expiresAtMs', (family: Record<string, string>) => ({ ...family, expiresAtMs: '1e+21' })],
    ['without createdAt nor createdAtMs', (family: Record<string, string>) => omit(family, 'createdAt')],
    ['without lastUsedAt nor lastUsedAtMs', (family: Record<string, string>) => omit(family, 'lastUsedAt')],
  ])(
    'a family hash %s is refused with ERR_REFRESH_STORE_UNAVAILABLE (read, rotated, reused, logged out, revoked) and left as it was',
    async (_what, corrupt) => {
      const { service, clock, familyHash, store } = await restore(corrupt(fixture.family));
      const before = await client.hgetall(familyHash);
      expect((await rejection(service.describe(fixture.headToken))).code).toBe('ERR_REFRESH_STORE_UNAVAILABLE');
      expect((await rejection(service.rotate(fixture.headToken))).code).toBe('ERR_REFRESH_STORE_UNAVAILABLE');
      clock.advance(60_000);
      expect((await rejection(service.rotate(fixture.rotatedToken))).code).toBe('ERR_REFRESH_STORE_UNAVAILABLE');
      expect((await rejection(service.logout(fixture.headToken))).code).toBe('ERR_REFRESH_STORE_UNAVAILABLE');
      expect((await rejection(service.revokeFamily(fixture.familyId))).code).toBe('ERR_REFRESH_STORE_UNAVAILABLE');
      // The service finds a family before it rotates one; the store's rotate script refuses on its own too.
      for (const token of [fixture.headToken, fixture.rotatedToken]) {
        const request = {
          familyId: fixture.familyId,
          presentedHash: hashRefreshToken(token),
          successorHash: hashRefreshToken(randomBytes(48).toString('base64url')),
          sealedSuccessor: 'sealed',
          nowMs: clock.now(),
          graceMs: 10_000,
          idleTimeoutMs: 1_209_600_000,
        };
        expect((await rejection(store.rotate(request))).code).toBe('ERR_REFRESH_STORE_UNAVAILABLE');
      }
      // Nothing was deleted or rewritten: a refusal never swallows a reuse detection or a logout.
      expect(await client.hgetall(familyHash)).toEqual(before);
    },
  );
});

function omit(record: Record<string, string>, name: string): Record<string, string> {
  return Object.fromEntries(Object.entries(record).filter(([field]) => field !== name));
}
