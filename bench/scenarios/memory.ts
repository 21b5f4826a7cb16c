import { setImmediate as tick } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { createMemoryDenylist } from '@jwks-kit/denylist';
import { createRedisDenylist } from '@jwks-kit/denylist/redis';
import { createAccessTokenVerifier } from '@jwks-kit/verifier';
import type { ProbeScenarioModule } from '../lib/types.js';

const MB = 1024 * 1024;

/** Collects garbage until the heap settles, then reads memory usage. */
async function settled(): Promise<NodeJS.MemoryUsage> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('the memory probe needs node --expose-gc');
  for (let i = 0; i < 4; i += 1) {
    gc();
    await tick();
  }
  return process.memoryUsage();
}

const round1 = (n: number) => Math.round(n * 10) / 10;

const count = (n: number) => n.toLocaleString('en-US');

/**
 * Memory probe, in its own process: RSS of a verifier process whose Redis mirror holds the seeded
 * revocations and whose verified-token cache holds the tokens it was given, then the heap a memory
 * denylist needs for `ctx.memoryDenylistEntries` live revocations.
 */
export const scenario: ProbeScenarioModule = {
  kind: 'probe',
  async probe(ctx, tokens) {
    if (!ctx.redisUrl) throw new Error('the memory probe needs Redis');
    const out: Record<string, number> = {};
    const start = await settled();
    out['process RSS at start (MB)'] = round1(start.rss / MB);

    const client = new Redis(ctx.redisUrl, { lazyConnect: true });
    await client.connect();
    const mirror = createRedisDenylist(client, {
      issuer: ctx.issuer,
      keyPrefix: ctx.largeKeyPrefix,
      mode: 'mirror',
    });
    const beforeMirror = await settled();
    await mirror.ready();
    const afterMirror = await settled();
    out[`RSS with ${ctx.largeRevocations.toLocaleString('en-US')} mirrored revocations (MB)`] = round1(
      afterMirror.rss / MB,
    );
    out['heap per mirrored revocation (bytes)'] = Math.round(
      (afterMirror.heapUsed - beforeMirror.heapUsed) / ctx.largeRevocations,
    );

    const verifier = createAccessTokenVerifier({
      issuer: ctx.issuer,
      audience: ctx.audience,
      jwksUri: ctx.jwksUri,
      denylist: mirror,
    });
    await verifier.ready();
    const beforeCache = await settled();
    // A token enters the verified-token cache on its second verification.
    for (const token of tokens) await verifier.verify(token);
    for (const token of tokens) await verifier.verify(token);
    const afterCache = await settled();
    out[`RSS with ${count(tokens.length)} cached tokens and ${count(ctx.largeRevocations)} mirrored revocations (MB)`] =
      round1(afterCache.rss / MB);
    out['heap per cached verified token (bytes)'] = Math.round(
      (afterCache.heapUsed - beforeCache.heapUsed) / tokens.length,
    );
    await verifier.close();
    await mirror.close();
    client.disconnect();

    const entries = ctx.memoryDenylistEntries;
    const memory = createMemoryDenylist({ issuer: ctx.issuer, maxEntries: entries, sweepIntervalMs: 0 });
    const beforeMemory = await settled();
    const exp = Math.floor(Date.now() / 1000) + 3600;
    for (let i = 0; i < entries; i += 1) await memory.revoke(`revoked-${i}`, exp);
    const afterMemory = await settled();
    out[`memory denylist: heap for ${count(entries)} revocations (MB)`] = round1(
      (afterMemory.heapUsed - beforeMemory.heapUsed) / MB,
    );
    out['memory denylist: heap per revocation (bytes)'] = Math.round(
      (afterMemory.heapUsed - beforeMemory.heapUsed) / entries,
    );
    await memory.close();
    return out;
  },
};
