import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { calculateJwkThumbprint } from 'jose';
import {
  craftDpopProof,
  createDpopKey,
  startLineProcess,
  startRedis,
  type LineProcess,
  type TestRedis,
} from '@jwks-kit/test-kit';

const here = dirname(fileURLToPath(import.meta.url));

describe('DPoP proofs at the token endpoint of two Node processes sharing one Redis', () => {
  let redis: TestRedis;
  const replicas: LineProcess[] = [];
  beforeAll(async () => {
    redis = await startRedis({ forceSpawn: true });
  });
  afterAll(async () => {
    replicas.forEach((replica) => replica.stop());
    await redis.stop();
  });
  const startReplica = async (keyPrefix: string) => {
    const script = join(here, '../fixtures/token-endpoint-process.ts');
    const replica = await startLineProcess(script, [redis.url, keyPrefix], join(here, '../..'));
    replicas.push(replica);
    return replica;
  };

  it('each proof is accepted by exactly one replica, with the proof key’s jkt; its second use is refused as a replay', async () => {
    const keyPrefix = `test:${randomUUID()}:`;
    const [first, second] = await Promise.all([startReplica(keyPrefix), startReplica(keyPrefix)]);
    const keys = [createDpopKey('ES256'), createDpopKey('EdDSA')];
    const jkts = await Promise.all(keys.map((key) => calculateJwkThumbprint(key.publicJwk, 'sha256')));
    const iat = Math.floor(Date.now() / 1000);
    const proofs = Array.from({ length: 100 }, (_, i) =>
      craftDpopProof(keys[i % 2]!, { method: 'POST', url: 'https://auth.example.com/token', iat }),
    );
    first.send(JSON.stringify(proofs));
    second.send(JSON.stringify(proofs));
    const [a, b] = (await Promise.all([first.next(), second.next()])).map(
      (text) => JSON.parse(text) as { pid: number; answers: string[] },
    );
    expect(a!.pid).not.toBe(b!.pid);
    proofs.forEach((_, i) => {
      const answers = [a!.answers[i], b!.answers[i]].sort();
      expect(answers).toEqual([jkts[i % 2], 'ERR_DPOP_PROOF_REPLAYED'].sort());
    });
  }, 60_000);
});
