import {
  createMemoryDpopReplayStore,
  dpopReplayKey,
  dpopReplayTtlMs,
  DpopReplayStoreFullError,
} from '../../src/index.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const JKT = 'A'.repeat(43);

describe('dpopReplayKey and dpopReplayTtlMs', () => {
  it('jkt:jti, and twice the window plus leeway', () => {
    expect(dpopReplayKey({ jkt: JKT, jti: 'a:b' })).toBe(`${JKT}:a:b`);
    expect(dpopReplayTtlMs({ iatWindowSeconds: 60, leewaySeconds: 5 })).toBe(130_000);
  });
});

describe('createMemoryDpopReplayStore', () => {
  it('a key is used once; a replay is refused; another key of the same jti is not', async () => {
    const store = createMemoryDpopReplayStore();
    await expect(store.useOnce(`${JKT}:1`, 60_000)).resolves.toBe(true);
    await expect(store.useOnce(`${JKT}:1`, 60_000)).resolves.toBe(false);
    await expect(store.useOnce(`${'B'.repeat(43)}:1`, 60_000)).resolves.toBe(true);
  });

  it('fake clock: a key is forgotten at its expiry, not before', async () => {
    let nowMs = 1_000_000;
    const store = createMemoryDpopReplayStore({ now: () => nowMs });
    await store.useOnce('k', 1000);
    nowMs += 999;
    await expect(store.useOnce('k', 1000)).resolves.toBe(false);
    nowMs += 1;
    await expect(store.useOnce('k', 1000)).resolves.toBe(true);
  });

  it('real time: a key with a 100 ms TTL is refused at once and usable again after 400 ms', async () => {
    const store = createMemoryDpopReplayStore();
    await expect(store.useOnce('real', 100)).resolves.toBe(true);
    await expect(store.useOnce('real', 100)).resolves.toBe(false);
    await sleep(400);
    await expect(store.useOnce('real', 100)).resolves.toBe(true);
  });

  it('full of unexpired keys: rejects (fail closed) instead of forgetting one; expired keys make room', async () => {
    let nowMs = 0;
    const store = createMemoryDpopReplayStore({ maxEntries: 3, now: () => nowMs });
    await store.useOnce('long', 10_000);
    await store.useOnce('a', 100);
    await store.useOnce('b', 100);
    await expect(store.useOnce('c', 100)).rejects.toBeInstanceOf(DpopReplayStoreFullError);
    await expect(store.useOnce('long', 10_000)).resolves.toBe(false);
    nowMs = 200; // 'a' and 'b' expired behind the unexpired 'long': the full sweep finds them
    await expect(store.useOnce('c', 100)).resolves.toBe(true);
    await expect(store.useOnce('long', 10_000)).resolves.toBe(false);
  });

  it('validates its options', () => {
    expect(() => createMemoryDpopReplayStore({ maxEntries: 0 })).toThrow('option `maxEntries`');
    expect(() => createMemoryDpopReplayStore({ now: 5 as never })).toThrow('option `now`');
  });
});
