import { randomUUID } from 'node:crypto';
import { Cluster } from 'ioredis';
import { startRedisCluster, type TestRedisCluster } from '@jwks-kit/test-kit';
import { createRedisDenylist, createRedisDpopReplayStore, type RedisDenylist } from '../src/redis.js';
import { describeDenylistContract } from './denylist-contract.js';

let cluster: TestRedisCluster;
const clients: Cluster[] = [];
const newClient = async () => {
  const client = new Cluster([...cluster.nodes], {
    enableOfflineQueue: true,
    redisOptions: { maxRetriesPerRequest: 1 },
  });
  clients.push(client);
  if (client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve));
  return client;
};
const prefix = () => `test:${randomUUID()}:`;

beforeAll(async () => {
  cluster = await startRedisCluster();
}, 60_000);
afterAll(async () => {
  for (const client of clients) client.disconnect();
  await cluster?.stop();
});

for (const mode of ['lookup', 'mirror'] as const) {
  describeDenylistContract(`Redis Cluster (3 masters) ${mode}`, async (options) => {
    const denylist = createRedisDenylist(clients[0] ?? (await newClient()), { ...options, mode, keyPrefix: prefix() });
    await denylist.ready();
    return denylist;
  });
}

describe('Redis Cluster', () => {
  const opened: RedisDenylist[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((d) => d.close()));
  });

  it('spreads issuers over the masters, keeps each issuer in one slot, and a mirror loads from every master', async () => {
    const keyPrefix = prefix();
    const client = await newClient();
    const writer = createRedisDenylist(client, { issuer: 'https://issuer-0.example.test', keyPrefix, mode: 'lookup' });
    opened.push(writer);
    const issuers = Array.from({ length: 24 }, (_, i) => `https://issuer-${i}.example.test`);
    const exp = Math.floor(Date.now() / 1000) + 300;
    for (const iss of issuers) {
      await writer.revoke('jti-1', exp, iss);
      await writer.revokeSubject('user-1', undefined, iss);
    }
    const slotsByMaster = await Promise.all(
      client.nodes('master').map(async (node) => {
        const [, keys] = await node.scan('0', 'MATCH', `${keyPrefix}*`, 'COUNT', 10_000);
        return keys;
      }),
    );
    expect(slotsByMaster.filter((keys) => keys.length > 0).length).toBeGreaterThan(1);
    for (const iss of issuers.slice(0, 4)) {
      const tag = Buffer.from(iss).toString('base64url');
      const keys = slotsByMaster.flat().filter((key) => key.includes(`{${tag}}`));
      // its jti key, its subject key and its stream: one slot
      expect(keys).toHaveLength(3);
      expect(keys.filter((key) => key.endsWith('}:log'))).toHaveLength(1);
      const slots = await Promise.all(keys.map((key) => client.cluster('KEYSLOT', key)));
      expect(new Set(slots).size).toBe(1);
    }

    const mirror = createRedisDenylist(await newClient(), { issuer: 'https://issuer-0.example.test', keyPrefix });
    opened.push(mirror);
    await mirror.ready();
    expect(mirror.stats().size).toBe(issuers.length * 2);
    for (const iss of issuers) {
      expect(mirror.check({ jti: 'jti-1', iss })).toBe(true);
      expect(mirror.check({ jti: 'jti-2', sub: 'user-1', iat: 0, iss })).toBe(true);
    }
  });

  it('a mirror on the Cluster follows the stream of every issuer, on whichever master it lives', async () => {
    const keyPrefix = prefix();
    const writer = createRedisDenylist(await newClient(), {
      issuer: 'https://a.example.test',
      keyPrefix,
      mode: 'lookup',
    });
    const mirror = createRedisDenylist(await newClient(), { issuer: 'https://a.example.test', keyPrefix });
    opened.push(writer, mirror);
    await mirror.ready();
    // issuers that did not exist when the mirror started: their streams land on different masters
    const issuers = Array.from({ length: 12 }, (_, i) => `https://late-${i}.example.test`);
    const exp = Math.floor(Date.now() / 1000) + 300;
    for (const iss of issuers) await writer.revoke('stream-1', exp, iss);
    const deadline = Date.now() + 10_000;
    while (!issuers.every((iss) => mirror.check({ jti: 'stream-1', iss })) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 5));
    for (const iss of issuers) expect(mirror.check({ jti: 'stream-1', iss })).toBe(true);
    expect(mirror.stats()).toMatchObject({ streams: 12, syncs: 1, gaps: 0 });
  });
});

describe('DPoP replay store on a Redis Cluster', () => {
  it('refuses a proof used on another client of the Cluster, keeps each client key in one slot and spreads keys over the masters', async () => {
    const keyPrefix = prefix();
    const client = await newClient();
    const a = createRedisDpopReplayStore(client, { keyPrefix });
    const b = createRedisDpopReplayStore(await newClient(), { keyPrefix });
    const jkts = Array.from({ length: 24 }, (_, i) => Buffer.from(`client-key-${i}`).toString('base64url'));
    for (const jkt of jkts) {
      expect(await a.useOnce(`${jkt}:jti-1`, 60_000)).toBe(true);
      expect(await a.useOnce(`${jkt}:jti-2`, 60_000)).toBe(true);
    }
    for (const jkt of jkts) expect(await b.useOnce(`${jkt}:jti-1`, 60_000)).toBe(false);
    const byMaster = await Promise.all(
      client.nodes('master').map(async (node) => {
        const [, keys] = await node.scan('0', 'MATCH', `${keyPrefix}*`, 'COUNT', 10_000);
        return keys;
      }),
    );
    expect(byMaster.flat()).toHaveLength(48);
    expect(byMaster.filter((keys) => keys.length > 0).length).toBeGreaterThan(1);
    for (const jkt of jkts.slice(0, 4)) {
      const keys = byMaster.flat().filter((key) => key.includes(`{${Buffer.from(jkt).toString('base64url')}}:p:`));
      expect(keys).toHaveLength(2);
      expect(new Set(await Promise.all(keys.map((key) => client.cluster('KEYSLOT', key)))).size).toBe(1);
    }
  });
});
