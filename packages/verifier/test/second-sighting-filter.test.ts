import { randomBytes } from 'node:crypto';
import { SecondSightingFilter } from '../src/lib/second-sighting-filter.js';
import { tokenFingerprint } from '../src/lib/token-fingerprint.js';

const fakeToken = () => tokenFingerprint(`h.p.${randomBytes(256).toString('base64url')}`);

describe('SecondSightingFilter', () => {
  it('answers false on the first sighting and true on the second', () => {
    const filter = new SecondSightingFilter(100);
    const token = fakeToken();
    expect(filter.seenBefore(token)).toBe(false);
    expect(filter.seenBefore(token)).toBe(true);
    expect(filter.seenBefore(token)).toBe(true);
  });

  it('does not admit distinct tokens: among 1,000 one-shot tokens at most a few collide', () => {
    const filter = new SecondSightingFilter(10_000);
    let admitted = 0;
    for (let i = 0; i < 1000; i += 1) if (filter.seenBefore(fakeToken())) admitted += 1;
    expect(admitted).toBeLessThanOrEqual(5);
  });

  it('remembers most of a working set as large as the cache it guards', () => {
    const filter = new SecondSightingFilter(1000);
    const tokens = Array.from({ length: 1000 }, fakeToken);
    for (const token of tokens) filter.seenBefore(token);
    const remembered = tokens.filter((token) => filter.seenBefore(token)).length;
    expect(remembered).toBeGreaterThan(700);
  });
});
