import { createHash } from 'node:crypto';
import { VerifiedTokenCache } from '../src/lib/verified-token-cache.js';

describe('VerifiedTokenCache', () => {
  it('evicts the least recently used entry when full', () => {
    const cache = new VerifiedTokenCache<number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
    expect(cache.size).toBe(2);
  });

  it('keeps an entry hit again and again while a stream of other tokens passes through', () => {
    const cache = new VerifiedTokenCache<number>(8);
    cache.set('hot', 0);
    for (let i = 1; i <= 100; i += 1) {
      cache.set(`cold-${i}`, i);
      if (i % 3 === 0) expect(cache.get('hot')).toBe(0);
    }
    expect(cache.get('hot')).toBe(0);
    expect(cache.get('cold-92')).toBeUndefined();
    expect(cache.get('cold-100')).toBe(100);
    expect(cache.size).toBe(8);
  });

  it('moves an entry hit after it fell behind, so that the older one is evicted', () => {
    const cache = new VerifiedTokenCache<number>(8);
    for (const [i, name] of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].entries()) cache.set(name, i);
    expect(cache.get('a')).toBe(0);
    cache.set('i', 8);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(0);
  });

  it('keys by the exact token string', () => {
    const cache = new VerifiedTokenCache<number>(10);
    cache.set('a.b.c', 1);
    expect(cache.get('a.b.c ')).toBeUndefined();
    expect(cache.get('A.b.c')).toBeUndefined();
  });

  it('keys by the exact token even when two tokens share their fingerprint (last characters)', () => {
    const cache = new VerifiedTokenCache<number>(10);
    const tail = 'S'.repeat(43);
    const victim = `header.payload.${tail}`;
    const forged = `header.forged.${tail}`;
    cache.set(victim, 1);
    expect(cache.get(forged)).toBeUndefined();
    cache.delete(forged);
    expect(cache.get(victim)).toBe(1);
    // the forged token takes the slot: the victim's entry is gone (a miss, never the other's result)
    cache.set(forged, 2);
    expect(cache.get(victim)).toBeUndefined();
    expect(cache.get(forged)).toBe(2);
    expect(cache.size).toBe(1);
  });

  it('deletes by predicate, by key, and clears', () => {
    const cache = new VerifiedTokenCache<{ kid: string }>(10);
    cache.set('t1', { kid: 'k1' });
    cache.set('t2', { kid: 'k2' });
    cache.set('t3', { kid: 'k1' });
    cache.deleteWhere((entry) => entry.kid === 'k1');
    expect(cache.size).toBe(1);
    cache.delete('t2');
    expect(cache.size).toBe(0);
    cache.set('t4', { kid: 'k3' });
    cache.clear();
    expect(cache.get('t4')).toBeUndefined();
  });
});

describe('VerifiedTokenCache admission', () => {
  let serial = 0;
  /**
   * A token-shaped string whose last characters (the fingerprint) look random, as a signature's do: a hash of a
   * serial number, so that every run sees the same tokens and the same sketch collisions.
   */
  const token = () => {
    serial += 1;
    return `h.p${serial}.${createHash('sha256').update(`token ${serial}`).digest('base64url')}`;
  };

  /** Presents `token` as the verifier does: a hit, or an offer after verification (stored when admitted). */
  const present = (cache: VerifiedTokenCache<string>, t: string): 'hit' | 'stored' | 'refused' => {
    if (cache.get(t) !== undefined) return 'hit';
    if (!cache.admits(t)) return 'refused';
    cache.set(t, t);
    return 'stored';
  };

  it('never stores a token on its first sighting, and stores it on its second while there is room', () => {
    const cache = new VerifiedTokenCache<string>(100);
    const tokens = Array.from({ length: 50 }, token);
    expect(tokens.map((t) => present(cache, t))).toEqual(tokens.map(() => 'refused'));
    expect(cache.size).toBe(0);
    // a doorkeeper slot lost to other tokens only delays a token's admission
    expect(tokens.filter((t) => present(cache, t) === 'stored').length).toBeGreaterThanOrEqual(48);
    for (const t of tokens) present(cache, t);
    expect(tokens.filter((t) => present(cache, t) === 'hit').length).toBe(50);
  });

  it('stores no one-shot token: 20,000 distinct tokens leave the cache empty', () => {
    const cache = new VerifiedTokenCache<string>(1000);
    let stored = 0;
    for (let i = 0; i < 20_000; i += 1) if (present(cache, token()) === 'stored') stored += 1;
    // only a collision of two fingerprints' counters can admit a one-shot token
    expect(stored).toBeLessThan(20);
  });

  it('keeps serving hits when tokens come back just past its reach, where a plain LRU serves none', () => {
    const capacity = 1000;
    const cache = new VerifiedTokenCache<string>(capacity);
    const lru = new VerifiedTokenCache<string>(capacity);
    const pool = Array.from({ length: 2 * capacity }, token);
    let hits = 0;
    let lruHits = 0;
    let stored = 0;
    for (let cycle = 0; cycle < 10; cycle += 1) {
      for (const t of pool) {
        const answer = present(cache, t);
        if (cycle >= 2 && answer === 'hit') hits += 1;
        if (cycle >= 2 && answer === 'stored') stored += 1;
        // the same flood through admit-on-second-sighting LRU (the cache before frequency admission)
        if (lru.get(t) !== undefined) {
          if (cycle >= 2) lruHits += 1;
        } else if (cycle > 0) lru.set(t, t);
      }
    }
    const lookups = 8 * pool.length;
    expect(lruHits).toBe(0);
    // a cycle of twice the capacity: at best half the lookups hit; the admitted half stays and hits
    expect(hits / lookups).toBeGreaterThan(0.4);
    // and entries stop churning: few stores once the content has settled
    expect(stored / lookups).toBeLessThan(0.05);
  });

  it('lets a new working set displace one that stopped coming', () => {
    const capacity = 200;
    const cache = new VerifiedTokenCache<string>(capacity);
    const old = Array.from({ length: capacity }, token);
    for (let round = 0; round < 20; round += 1) for (const t of old) present(cache, t);
    expect(old.filter((t) => cache.get(t) !== undefined).length).toBeGreaterThanOrEqual(0.95 * capacity);
    // the old set stops; a new one of the same size is used over and over
    const fresh = Array.from({ length: capacity }, token);
    let lastRoundHits = 0;
    for (let round = 0; round < 40; round += 1) {
      lastRoundHits = 0;
      for (const t of fresh) if (present(cache, t) === 'hit') lastRoundHits += 1;
    }
    expect(lastRoundHits / capacity).toBeGreaterThan(0.9);
    expect(old.filter((t) => cache.get(t) !== undefined).length).toBeLessThan(capacity / 10);
  });

  it('weighs each refused candidate against the next entry: a hot entry at the head does not shield colder ones', () => {
    const cache = new VerifiedTokenCache<string>(3);
    const [hot, b, c, d] = [token(), token(), token(), token()];
    for (let i = 0; i < 8; i += 1) present(cache, hot);
    for (const t of [b, b, c, c]) present(cache, t);
    // least recently used first: hot (seen 8 times), then b and c (twice each)
    expect(cache.size).toBe(3);
    // d's second sighting loses to hot; its third is still far below hot's count, but above b's, the next entry
    expect([present(cache, d), present(cache, d)]).toEqual(['refused', 'refused']);
    expect(present(cache, d)).toBe('stored');
    expect(cache.get(b)).toBeUndefined();
    expect(cache.get(hot)).toBe(hot);
    expect(cache.get(c)).toBe(c);
  });

  it('admits a token already holding a slot (same fingerprint) without evicting another', () => {
    const cache = new VerifiedTokenCache<string>(2);
    const [a, b] = [token(), token()];
    for (const t of [a, b, a, b]) present(cache, t);
    expect(cache.size).toBe(2);
    expect(cache.get(a)).toBe(a);
    // a third token, seen twice, is not seen more often than the entries it would evict
    const c = token();
    expect(present(cache, c)).toBe('refused');
    expect(present(cache, c)).toBe('refused');
    expect(cache.get(b)).toBe(b);
    expect(cache.admits(b)).toBe(true);
  });
});
