import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { calculateJwkThumbprint } from 'jose';
import { craftDpopProof, createDpopKey, startRedis, type TestRedis } from '@jwks-kit/test-kit';

const here = dirname(fileURLToPath(import.meta.url));

describe('DPoP proofs at the token endpoint of two Node processes sharing one Redis', () => {
  let redis: TestRedis;
  const children: ChildProcessWithoutNullStreams[] = [];
  beforeAll(async () => {
    redis = await startRedis({ forceSpawn: true });
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill();
    await redis.stop();
  });

  const startReplica = async (keyPrefix: string) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(here, '../fixtures/token-endpoint-process.ts'), redis.url, keyPrefix],
      { cwd: join(here, '../..'), stdio: ['pipe', 'pipe', 'pipe'] },
    );
    children.push(child);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const next = async () => {
      const { value, done } = await lines.next();
      if (done) throw new Error(`replica exited: ${stderr}`);
      return value as string;
    };
    expect(await next()).toBe('ready');
    return { child, next };
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
    const line = `${JSON.stringify(proofs)}\n`;
    first.child.stdin.write(line);
    second.child.stdin.write(line);
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
