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
