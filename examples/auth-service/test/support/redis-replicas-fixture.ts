import { Redis } from 'ioredis';
import { createKeyRing, createMemoryKeyStore, type KeyRing } from '@jwks-kit/issuer';
import { startRedis, type TestRedis } from '@jwks-kit/test-kit';
import { createUserDirectory, DEMO_USERS, type UserDirectory } from '../../src/users.js';

/** What auth-service replicas over one Redis share in a test: a private redis-server, one client, users, one key ring. */
export interface RedisReplicasFixture {
  readonly server: TestRedis;
  readonly redis: Redis;
  readonly users: UserDirectory;
  readonly keyRing: KeyRing;
  /** Disconnects the client and stops the server. */
  stop(): Promise<void>;
}

/**
 * Starts a redis-server of the test's own (never a shared one), a client that fails fast while it is down (fault
 * tests stop it), the demo users and an in-memory key ring.
 */
export async function startRedisReplicasFixture(): Promise<RedisReplicasFixture> {
  const server = await startRedis({ forceSpawn: true });
  const redis = new Redis(server.url, { enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => 50 });
  redis.on('error', () => undefined);
  const users = await createUserDirectory(DEMO_USERS);
  const keyRing = await createKeyRing({
    store: createMemoryKeyStore(),
    maxJwksCacheAgeMs: 60_000,
    maxTokenLifetimeSeconds: 600,
  });
  return {
    server,
    redis,
    users,
    keyRing,
    stop: async () => {
      redis.disconnect();
      await server.stop();
    },
  };
}
