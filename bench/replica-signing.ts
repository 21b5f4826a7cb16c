import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { createAccessTokenSigner, createKeyRing } from '@jwks-kit/issuer';
import { createRedisKeyStore } from '@jwks-kit/issuer/redis';
import { startRedis } from '@jwks-kit/test-kit';

// Access tokens signed per second by 1 and by 3 issuer replicas (separate processes sharing one key ring in
// Redis, each signing with 64 requests in flight), interleaved rounds; the ratio is what counts.
// Run: node --import tsx bench/replica-signing.ts [rounds=3] [seconds=5]

const run = promisify(execFile);
const SELF = fileURLToPath(import.meta.url);
const IN_FLIGHT = 64;

async function child(redisUrl: string, kek: string, startAt: number, seconds: number): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  const keyRing = await createKeyRing({
    store: createRedisKeyStore(redis, { kek: Buffer.from(kek, 'base64') }),
    maxJwksCacheAgeMs: 600_000,
    maxTokenLifetimeSeconds: 3600,
  });
  keyRing.start();
  const signer = createAccessTokenSigner({ issuer: 'https://auth.bench', keyRing, defaultAudience: 'api' });
  const input = { sub: 'user-42', scope: 'orders:read profile:read', clientId: 'bench-client' };
  await signer.sign(input);
  // Every replica measures the same window, after all of them have started.
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, startAt - Date.now())));
  let signed = 0;
  const deadline = startAt + seconds * 1000;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (Date.now() < deadline) {
        await signer.sign(input);
        signed += 1;
      }
    }),
  );
  await keyRing.stop();
  redis.disconnect();
  process.stdout.write(`${JSON.stringify({ signed, kid: keyRing.signingKey().kid })}\n`);
}

async function round(replicas: number, redisUrl: string, kek: string, seconds: number) {
  const startAt = Date.now() + 15_000;
  const outputs = await Promise.all(
    Array.from({ length: replicas }, () =>
      run(process.execPath, ['--import', 'tsx', SELF, '--child', redisUrl, kek, String(startAt), String(seconds)], {
        maxBuffer: 1 << 20,
      }),
    ),
  );
  const results = outputs.map(
    ({ stdout }) => JSON.parse(stdout.trim().split('\n').pop()!) as { signed: number; kid: string },
  );
  if (new Set(results.map((result) => result.kid)).size !== 1) throw new Error('replicas signed with different keys');
  return results.reduce((sum, result) => sum + result.signed, 0) / seconds;
}

async function main(): Promise<void> {
  const [rounds = 3, seconds = 5] = process.argv.slice(2).map(Number);
  // The test kit unrefs its redis-server: keep the loop alive until it has exited.
  const alive = setInterval(() => undefined, 1000);
  const redis = await startRedis({ forceSpawn: true });
  const kek = randomBytes(32).toString('base64');
  const rates: Record<1 | 3, number[]> = { 1: [], 3: [] };
  try {
    for (let i = 0; i < rounds; i += 1)
      for (const replicas of [1, 3] as const) rates[replicas].push(await round(replicas, redis.url, kek, seconds));
  } finally {
    await redis.stop();
    clearInterval(alive);
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const ratios = rates[1].map((one, i) => rates[3][i]! / one);
  console.log(
    `cores: ${availableParallelism()}; ${rounds} interleaved rounds of ${seconds} s; RS256 access tokens signed per second`,
  );
  console.log(`1 replica : ${rates[1].map((r) => r.toFixed(0)).join(', ')} (median ${median(rates[1]).toFixed(0)})`);
  console.log(`3 replicas: ${rates[3].map((r) => r.toFixed(0)).join(', ')} (median ${median(rates[3]).toFixed(0)})`);
  console.log(
    `ratio 3 : 1 per round: ${ratios.map((r) => r.toFixed(2)).join(', ')} (median ${median(ratios).toFixed(2)})`,
  );
}

if (process.argv[2] === '--child')
  await child(process.argv[3]!, process.argv[4]!, Number(process.argv[5]), Number(process.argv[6]));
else await main();
