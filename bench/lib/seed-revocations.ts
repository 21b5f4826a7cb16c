import { Redis } from 'ioredis';
import { createRedisDenylist } from '@jwks-kit/denylist/redis';

/** jti of the i-th seeded revocation; the pre-flight check signs a token with `revokedJti(0)`. */
export const revokedJti = (i: number) => `revoked-${i}`;

/**
 * Writes `count` live jti revocations through the denylist's own write path (lookup mode, so no
 * mirror is built here), 500 in flight at a time, from the orchestrator's process: the Redis
 * scenarios and the memory probe then start with a realistic denylist to mirror.
 */
export async function seedRevocations(
  redisUrl: string,
  options: { issuer: string; keyPrefix: string; count: number },
): Promise<void> {
  const client = new Redis(redisUrl, { lazyConnect: true });
  await client.connect();
  const writer = createRedisDenylist(client, {
    issuer: options.issuer,
    keyPrefix: options.keyPrefix,
    mode: 'lookup',
    writeTimeoutMs: 30_000,
  });
  const exp = Math.floor(Date.now() / 1000) + 4 * 3600;
  try {
    for (let start = 0; start < options.count; start += 500) {
      const batch = [];
      for (let i = start; i < Math.min(options.count, start + 500); i += 1)
        batch.push(writer.revoke(revokedJti(i), exp));
      await Promise.all(batch);
    }
  } finally {
    await writer.close();
    client.disconnect();
  }
}
