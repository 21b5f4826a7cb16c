import { startRedis, type TestRedis } from '@jwks-kit/test-kit';
import { createDpopClient, type DpopClient } from '@jwks-kit/examples/demo/dpop-client';
import { claimsOf, errorCode, send, type Reply } from '@jwks-kit/examples/demo/http-client';
import { startSystem, type RunningSystem } from './support/start-system.js';

const outcome = (reply: Reply) => (reply.status === 200 ? '200' : `${reply.status} ${errorCode(reply)}`);
/** Generous functional bound for the replicas to see Redis back (reconnect with jittered back-off). */
const RECOVER_WITHIN_MS = 30_000;

describe('DPoP proofs across two orders processes sharing one Redis replay store (auth, orders ×2, profile as processes)', () => {
  let redis: TestRedis;
  let system: RunningSystem;
  let client: DpopClient;
  let accessToken: string;
  let replicaA: string;
  let replicaB: string;
  /** What every proof names: the public URL both replicas share (`ORDERS_PUBLIC_URL`). */
  let ordersUrl: string;

  const getOrders = (via: string, proof = client.proof({ method: 'GET', url: ordersUrl, accessToken })) =>
    client.sendWithProof('GET', ordersUrl, proof, { accessToken, viaOrigin: via });

  beforeAll(async () => {
    redis = await startRedis({ forceSpawn: true });
    system = await startSystem({ redisUrl: redis.url, ordersReplica: true });
    replicaA = system.ordersUrl;
    replicaB = system.ordersReplicaUrl!;
    ordersUrl = `${system.ordersUrl}/orders`;
    client = createDpopClient({ alg: 'ES256' });
    const reply = await client.send('POST', `${system.issuer}/token`, {
      viaOrigin: system.authUrl,
      form: { grant_type: 'password', username: 'alice', password: 'alice-pass' },
    });
    const body = reply.body as { access_token?: string; token_type?: string };
    if (reply.status !== 200 || typeof body.access_token !== 'string')
      throw new Error(`DPoP login answered ${outcome(reply)}`);
    expect(body.token_type).toBe('DPoP');
    expect((claimsOf(body.access_token)?.cnf as { jkt?: string } | undefined)?.jkt).toBe(client.jkt);
    accessToken = body.access_token;
  }, 120_000);
  afterAll(async () => {
    await system?.stop();
    await system?.removeKeys();
    await redis?.stop();
  });

  it('a proof used on replica A is refused on replica B, and one used on B is refused on A', async () => {
    const first = client.proof({ method: 'GET', url: ordersUrl, accessToken });
    expect(outcome(await getOrders(replicaA, first))).toBe('200');
    const replayed = await getOrders(replicaB, first);
    expect(outcome(replayed)).toBe('401 invalid_dpop_proof');
    expect(replayed.headers.get('www-authenticate')).toMatch(/^DPoP .*error="invalid_dpop_proof"/);

    const second = client.proof({ method: 'GET', url: ordersUrl, accessToken });
    expect(outcome(await getOrders(replicaB, second))).toBe('200');
    expect(outcome(await getOrders(replicaA, second))).toBe('401 invalid_dpop_proof');
  });

  it('30 proofs each sent to both replicas at the same moment: every proof is accepted exactly once', async () => {
    const proofs = Array.from({ length: 30 }, () => client.proof({ method: 'GET', url: ordersUrl, accessToken }));
    const results = await Promise.all(
      proofs.map(async (proof) => {
        const replies = await Promise.all([getOrders(replicaA, proof), getOrders(replicaB, proof)]);
        return replies.map(outcome).sort();
      }),
    );
    for (const pair of results) expect(pair).toEqual(['200', '401 invalid_dpop_proof']);
  });

  it('the bound token presented as Bearer is refused by both replicas and by profile (no downgrade)', async () => {
    const asBearer = await Promise.all(
      [`${replicaA}/orders`, `${replicaB}/orders`, `${system.profileUrl}/me`].map((url) =>
        send('GET', url, { token: accessToken }),
      ),
    );
    expect(asBearer.map(outcome)).toEqual(Array(3).fill('401 invalid_token'));
    // … while its owner, with a proof, is served by each of them
    expect(outcome(await getOrders(replicaA))).toBe('200');
    expect(outcome(await getOrders(replicaB))).toBe('200');
    expect(
      outcome(await client.send('GET', `${system.profileUrl}/me`, { accessToken, viaOrigin: system.profileUrl })),
    ).toBe('200');
  });

  it('Redis stopped: both replicas refuse DPoP requests with 503 and Retry-After (fail closed); back once Redis is', async () => {
    await redis.stop();
    try {
      for (const replica of [replicaA, replicaB]) {
        const reply = await getOrders(replica);
        expect(outcome(reply)).toBe('503 dpop_replay_unavailable');
        expect(Number(reply.headers.get('retry-after'))).toBeGreaterThan(0);
      }
    } finally {
      await redis.restart();
    }
    const deadline = Date.now() + RECOVER_WITHIN_MS;
    let answers: string[] = [];
    while (Date.now() < deadline) {
      answers = [outcome(await getOrders(replicaA)), outcome(await getOrders(replicaB))];
      if (answers.every((answer) => answer === '200')) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(answers).toEqual(['200', '200']);
  }, 60_000);
});
