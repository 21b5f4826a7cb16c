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

  it('keys by the exact token string', () => {
    const cache = new VerifiedTokenCache<number>(10);
    cache.set('a.b.c', 1);
    expect(cache.get('a.b.c ')).toBeUndefined();
    expect(cache.get('A.b.c')).toBeUndefined();
  });

  it('keys by the exact token even when two tokens share their last 43 characters', () => {
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
