import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster, Redis } from 'ioredis';
import { hasRedisServer, startRedis, type TestRedis } from '@jwks-kit/test-kit';
import { createRedisRefreshTokenStore } from '../../src/redis.js';
import { refreshTokenServiceContract } from './refresh-token-service-contract.js';

/** A one-node Redis Cluster owning all 16,384 slots: any script touching two slots fails with CROSSSLOT. */
let redis: TestRedis;
let cluster: Cluster;
let dir: string;

beforeAll(async () => {
  if (!hasRedisServer()) throw new Error('this suite needs redis-server on PATH (it starts a cluster node)');
  dir = mkdtempSync(join(tmpdir(), 'jwks-kit-cluster-'));
  redis = await startRedis({
    forceSpawn: true,
    extraArgs: [
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      join(dir, 'nodes.conf'),
      '--dir',
      dir,
      '--cluster-announce-ip',
      '127.0.0.1',
    ],
  });
  const admin = new Redis(redis.url);
  await admin.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
  while (!String(await admin.call('CLUSTER', 'INFO')).includes('cluster_state:ok'))
    await new Promise((r) => setTimeout(r, 50));
  admin.disconnect();
  cluster = new Cluster([{ host: redis.host, port: redis.port }], { redisOptions: { maxRetriesPerRequest: 1 } });
});
afterAll(async () => {
  cluster.disconnect();
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('createRefreshTokenService over the Redis store on a Redis Cluster', () => {
  let n = 0;
  refreshTokenServiceContract(() => createRedisRefreshTokenStore(cluster, { keyPrefix: `cluster-test:${(n += 1)}:` }));
});
