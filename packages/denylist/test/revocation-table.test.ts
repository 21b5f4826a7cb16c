import { RevocationTable } from '../src/lib/revocation-table.js';

describe('RevocationTable.sweepSome', () => {
  it('removes expired entries in slices of at most the given visits, resuming where it stopped', () => {
    const table = new RevocationTable();
    const nowMs = 1_000_000;
    for (let i = 0; i < 1000; i++)
      table.add({ kind: 'jti', ns: 'iss', id: `j${i}`, expiresAtMs: nowMs + (i % 2 === 0 ? 10 : 10_000) }, nowMs);
    for (let i = 0; i < 100; i++)
      table.add({ kind: 'session', ns: 'iss', id: `s${i}`, at: 1, expiresAtMs: nowMs + 10 }, nowMs);
    expect(table.size).toBe(1100);
    const later = nowMs + 100;
    const first = table.sweepSome(later, 300);
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThanOrEqual(300);
    let removed = first;
    for (let slice = 0; slice < 10; slice++) removed += table.sweepSome(later, 300);
    expect(removed).toBe(600);
    expect(table.size).toBe(500);
    expect(table.isRevoked({ jti: 'j1' }, 'iss', later)).toBe(true);
    expect(table.isRevoked({ jti: 'j0' }, 'iss', later)).toBe(false);
    // entries added after a sweep started are still visited by a later pass
    table.add({ kind: 'jti', ns: 'iss', id: 'late', expiresAtMs: later + 1 }, later);
    let again = 0;
    for (let slice = 0; slice < 10; slice++) again += table.sweepSome(later + 2, 300);
    expect(again).toBe(1);
  });
});
