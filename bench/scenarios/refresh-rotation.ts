import { Redis } from 'ioredis';
import { createAccessTokenSigner, createKeyRing, createMemoryKeyStore } from '@jwks-kit/issuer';
import { createRefreshTokenService, type RefreshTokenService } from '@jwks-kit/issuer/sessions';
import { createRedisRefreshTokenStore } from '@jwks-kit/issuer/redis';
import { createMemoryDenylist } from '@jwks-kit/denylist';
import type { MicroScenarioModule, MicroVariant } from '../lib/types.js';

/** Rotations kept in flight; each works on its own family, so no rotation races another. */
const CONCURRENCY = 16;

/**
 * A variant rotating refresh tokens: a queue of current tokens (one per family, more families
 * than lanes); each operation takes one, rotates it and puts the successor back.
 */
async function rotationVariant(name: string, service: RefreshTokenService): Promise<MicroVariant> {
  const queue: string[] = [];
  for (let i = 0; i < CONCURRENCY * 2; i += 1)
    queue.push((await service.start({ sub: `user-${i}`, scope: 'orders:read' })).refreshToken);
  return {
    name,
    concurrency: CONCURRENCY,
    run: async () => {
      const grant = await service.rotate(queue.shift()!);
      queue.push(grant.refreshToken);
    },
  };
}

/**
 * Scenario 12: refresh-token rotations per second on Redis (one atomic Lua rotation each), with
 * the new access token signed as in production, and with a constant access token to show the
 * Redis part alone.
 */
export const scenario: MicroScenarioModule = {
  kind: 'micro',
  async setup(ctx) {
    if (!ctx.redisUrl) throw new Error('this scenario needs Redis');
    const client = new Redis(ctx.redisUrl, { lazyConnect: true, enableOfflineQueue: false });
    await client.connect();
    const store = createRedisRefreshTokenStore(client, { keyPrefix: `${ctx.keyPrefix}refresh:` });
    const denylist = createMemoryDenylist({ issuer: ctx.issuer });
    const keyRing = await createKeyRing({
      store: createMemoryKeyStore(),
      maxJwksCacheAgeMs: 600_000,
      maxTokenLifetimeSeconds: 3600,
    });
    const signer = createAccessTokenSigner({ issuer: ctx.issuer, keyRing, defaultAudience: ctx.audience });
    const signed = createRefreshTokenService({
      store,
      denylist,
      signAccessToken: (i) =>
        signer.sign({
          sub: i.sub,
          ...(i.scope ? { scope: i.scope } : {}),
          ...(i.clientId ? { clientId: i.clientId } : {}),
        }),
    });
    const fixed = await signer.sign({ sub: 'user-0' });
    const storeOnly = createRefreshTokenService({ store, denylist, signAccessToken: async () => fixed });
    return {
      variants: [
        await rotationVariant('rotate + sign access token', signed),
        await rotationVariant('rotate, store only', storeOnly),
      ],
      async close() {
        await denylist.close();
        client.disconnect();
      },
    };
  },
};
