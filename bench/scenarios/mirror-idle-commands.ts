import { setTimeout as delay } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { createRedisDenylist } from '@jwks-kit/denylist/redis';
import { startRedis } from '@jwks-kit/test-kit';
import { seedRevocations } from '../lib/seed-revocations.js';
import type { ProbeScenarioModule } from '../lib/types.js';

/** Commands per name from `INFO commandstats`, without the probe's own INFO and CONFIG calls. */
async function commandCounts(admin: Redis): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const match of (await admin.info('commandstats')).matchAll(/cmdstat_([^:]+):calls=(\d+)/g)) {
    const name = match[1] as string;
    if (name !== 'info' && !name.startsWith('config')) counts.set(name, Number(match[2]));
  }
  return counts;
}

/**
 * Scenario 17: Redis commands an idle mirror sends, per minute, measured with `INFO commandstats` on a
 * private redis-server that nothing else uses, for a small and a larger denylist: the count must not grow
 * with the number of revocations.
 */
export const scenario: ProbeScenarioModule = {
  kind: 'probe',
  async probe(ctx) {
    const windowMs = ctx.revocations >= 10_000 ? 60_000 : 10_000;
    const sizes = [10, ctx.revocations];
    const out: Record<string, number | string> = {};
    await Promise.all(
      sizes.map(async (size) => {
        const redis = await startRedis({ forceSpawn: true });
        const admin = new Redis(redis.url);
        const client = new Redis(redis.url, { enableOfflineQueue: false });
        try {
          await seedRevocations(redis.url, { issuer: ctx.issuer, keyPrefix: ctx.keyPrefix, count: size });
          const mirror = createRedisDenylist(client, { issuer: ctx.issuer, keyPrefix: ctx.keyPrefix });
          await mirror.ready();
          await delay(1000);
          await admin.config('RESETSTAT');
          await delay(windowMs);
          const counts = await commandCounts(admin);
          await mirror.close();
          const perMinute = (n: number) => Math.round((n * 60_000) / windowMs);
          const total = [...counts.values()].reduce((a, b) => a + b, 0);
          const label = `idle mirror of ${size.toLocaleString('en-US')} revocations`;
          out[`${label}: Redis commands per minute`] = perMinute(total);
          out[`${label}: by command`] = [...counts]
            .map(([name, n]) => `${name} ${perMinute(n)}`)
            .sort()
            .join(', ');
        } finally {
          client.disconnect();
          admin.disconnect();
          await redis.stop();
        }
      }),
    );
    out['idle window (s)'] = windowMs / 1000;
    return out;
  },
};
