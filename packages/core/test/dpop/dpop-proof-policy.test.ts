import {
  createDpopNonces,
  DEFAULT_DPOP_ALGORITHMS,
  DpopReplayUnavailableError,
  resolveDpopProofPolicy,
  useDpopProofOnce,
  type DpopReplayStore,
} from '../../src/index.js';

const PROOF = { jkt: 'A'.repeat(43), jti: 'j1', iat: 0, alg: 'ES256' } as const;

describe('resolveDpopProofPolicy (the settings requireAuth and the token endpoint share)', () => {
  it('defaults: ES256 and EdDSA, ±60 s with 5 s leeway, a memory store, no nonces', () => {
    const policy = resolveDpopProofPolicy({});
    expect(policy.algorithms).toEqual(DEFAULT_DPOP_ALGORITHMS);
    expect([policy.iatWindowSeconds, policy.leewaySeconds, policy.replayTtlMs]).toEqual([60, 5, 130_000]);
    expect(typeof policy.replayStore.useOnce).toBe('function');
    expect(policy.nonces).toBeUndefined();
    expect(Object.isFrozen(policy)).toBe(true);
  });

  it.each([
    [{ algorithms: ['HS256'] }, 'option `dpop.algorithms` must not list HS256'],
    [{ algorithms: ['none'] }, 'option `dpop.algorithms`'],
    [{ algorithms: [] }, 'option `dpop.algorithms`'],
    [{ iatWindowSeconds: 0 }, 'option `dpop.iatWindowSeconds` must be an integer from 1 to 3600'],
    [{ iatWindowSeconds: 1.5 }, 'option `dpop.iatWindowSeconds`'],
    [{ leewaySeconds: -1 }, 'option `dpop.leewaySeconds` must be an integer from 0 to 300'],
    [{ leewaySeconds: 301 }, 'option `dpop.leewaySeconds`'],
    [{ replayStore: {} }, 'option `dpop.replayStore` must be a DpopReplayStore'],
    [{ nonces: { issue: () => 'n' } }, 'option `dpop.nonces` must come from createDpopNonces()'],
  ])('refuses %j, naming the option under its prefix', (options, message) => {
    expect(() => resolveDpopProofPolicy(options as never, 'dpop.')).toThrow(message);
  });

  it('names the option without a prefix for a caller whose options are flat', () => {
    expect(() => resolveDpopProofPolicy({ algorithms: ['HS256'] })).toThrow(/^option `algorithms`/);
  });

  it('keeps configured nonces and windows', () => {
    const nonces = createDpopNonces({ secret: new Uint8Array(32).fill(7) });
    const policy = resolveDpopProofPolicy({ nonces, iatWindowSeconds: 30, leewaySeconds: 0, algorithms: ['PS256'] });
    expect(policy.nonces).toBe(nonces);
    expect([policy.algorithms, policy.replayTtlMs]).toEqual([['PS256'], 60_000]);
  });
});

describe('useDpopProofOnce', () => {
  it('true the first time, false on a replay, with the jkt:jti key and the policy TTL', async () => {
    const seen: Array<[string, number]> = [];
    const keys = new Set<string>();
    const store: DpopReplayStore = {
      useOnce: async (key, ttlMs) => {
        seen.push([key, ttlMs]);
        if (keys.has(key)) return false;
        keys.add(key);
        return true;
      },
    };
    const policy = resolveDpopProofPolicy({ replayStore: store });
    await expect(useDpopProofOnce(policy, PROOF)).resolves.toBe(true);
    await expect(useDpopProofOnce(policy, PROOF)).resolves.toBe(false);
    expect(seen).toEqual([
      [`${PROOF.jkt}:j1`, 130_000],
      [`${PROOF.jkt}:j1`, 130_000],
    ]);
  });

  it('fails closed: a store that rejects gives DpopReplayUnavailableError with its retry hint, else 1 s', async () => {
    const down = (hint?: number): DpopReplayStore => ({
      useOnce: () => Promise.reject(Object.assign(new Error('ECONNREFUSED'), { retryAfterSeconds: hint })),
    });
    const withHint = useDpopProofOnce(resolveDpopProofPolicy({ replayStore: down(2.2) }), PROOF);
    await expect(withHint).rejects.toBeInstanceOf(DpopReplayUnavailableError);
    await expect(withHint).rejects.toMatchObject({ code: 'ERR_DPOP_REPLAY_UNAVAILABLE', retryAfterSeconds: 3 });
    await expect(useDpopProofOnce(resolveDpopProofPolicy({ replayStore: down() }), PROOF)).rejects.toMatchObject({
      retryAfterSeconds: 1,
    });
  });
});
