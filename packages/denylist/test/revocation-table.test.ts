import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { RevocationTable } from '../src/lib/revocation-table.js';

describe('RevocationTable.sweepSome', () => {
  it('removes expired entries in slices of at most the given visits, resuming where it stopped', () => {
    const table = new RevocationTable();
    const nowMs = 1_000_000;
    for (let i = 0; i < 1000; i++)
      table.add(
        { kind: 'jti', ns: 'iss', id: `j${i}`, expiresAtMs: nowMs + (i % 2 === 0 ? 10_000 : 1_000_000) },
        nowMs,
      );
    for (let i = 0; i < 100; i++)
      table.add({ kind: 'session', ns: 'iss', id: `s${i}`, at: 1, expiresAtMs: nowMs + 10_000 }, nowMs);
    expect(table.size).toBe(1100);
    const later = nowMs + 100_000;
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
    table.add({ kind: 'jti', ns: 'iss', id: 'late', expiresAtMs: later + 1000 }, later);
    let again = 0;
    for (let slice = 0; slice < 10; slice++) again += table.sweepSome(later + 2000, 300);
    expect(again).toBe(1);
  });
});

describe('RevocationTable expiry', () => {
  it('never ends a revocation before its expiry, and ends it within the second after', () => {
    const table = new RevocationTable();
    const nowMs = Date.UTC(2026, 11, 2);
    for (const offset of [1, 999, 1000, 1001, 59_999, 3_600_000]) {
      const expiresAtMs = nowMs + offset;
      const id = `j${offset}`;
      table.add({ kind: 'jti', ns: 'iss', id, expiresAtMs }, nowMs);
      table.add({ kind: 'session', ns: 'iss', id, at: nowMs / 1000, expiresAtMs }, nowMs);
      expect(table.isRevoked({ jti: id }, 'iss', expiresAtMs - 1)).toBe(true);
      expect(table.isRevoked({ sid: id, iat: nowMs / 1000 - 1 }, 'iss', expiresAtMs - 1)).toBe(true);
      expect(table.isRevoked({ jti: id }, 'iss', expiresAtMs + 1000)).toBe(false);
      expect(table.isRevoked({ sid: id, iat: nowMs / 1000 - 1 }, 'iss', expiresAtMs + 1000)).toBe(false);
    }
    for (const entry of table.entries(nowMs)) {
      const offset = Number(entry.id.slice(1));
      expect(entry.expiresAtMs).toBeGreaterThanOrEqual(nowMs + offset);
      expect(entry.expiresAtMs).toBeLessThan(nowMs + offset + 1000);
    }
  });

  it('keeps the later expiry of the same revocation added twice, in either order', () => {
    const table = new RevocationTable();
    const nowMs = Date.UTC(2026, 11, 2);
    expect(table.add({ kind: 'jti', ns: 'iss', id: 'a', expiresAtMs: nowMs + 60_000 }, nowMs)).toBe(true);
    expect(table.add({ kind: 'jti', ns: 'iss', id: 'a', expiresAtMs: nowMs + 30_000 }, nowMs)).toBe(false);
    expect(table.add({ kind: 'jti', ns: 'iss', id: 'a', expiresAtMs: nowMs + 90_000 }, nowMs)).toBe(true);
    expect(table.isRevoked({ jti: 'a' }, 'iss', nowMs + 89_000)).toBe(true);
    expect(table.size).toBe(1);
  });
});

describe('RevocationTable memory', () => {
  it('holds its own copy of each id, never the longer string the id was cut from', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const table = new RevocationTable();
    const nowMs = Date.now();
    const padding = 'k'.repeat(2000);
    const count = 20_000;
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < count; i++) {
      // as a Redis key is cut into its id: a slice of 13+ characters is a view that keeps the whole string alive
      const key = `${padding}:${i.toString().padStart(24, '0')}`;
      table.add({ kind: 'jti', ns: 'iss', id: key.slice(padding.length + 1), expiresAtMs: nowMs + 60_000 }, nowMs);
    }
    gc();
    gc();
    const perEntry = (process.memoryUsage().heapUsed - before) / count;
    expect(table.size).toBe(count);
    expect(perEntry).toBeLessThan(400); // a kept 2,025-character key alone would be over 2,000 bytes
  });
});
