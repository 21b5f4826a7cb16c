import { createClock } from '@jwks-kit/test-kit';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { createAccessTokenSigner, createKeyRing, createMemoryKeyStore } from '../src/index.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('90 days of scheduled rotation', () => {
  it('keeps every unexpired token verifiable through the JWKS published, or cached by any verifier, at every step', async () => {
    const clock = createClock();
    const maxJwksCacheAgeMs = 6 * HOUR;
    const ring = await createKeyRing({
      store: createMemoryKeyStore(),
      maxJwksCacheAgeMs,
      maxTokenLifetimeSeconds: HOUR / 1000,
      rotationIntervalMs: 30 * DAY,
      now: clock.now,
    });
    const signer = createAccessTokenSigner({
      issuer: 'https://auth.example.com',
      keyRing: ring,
      defaultAudience: 'api',
      defaultTtlSeconds: 3600,
      now: clock.now,
    });
    const end = clock.now() + 90 * DAY;
    const step = 30 * MINUTE;

    const tokens: { token: string; kid: string; exp: number }[] = [];
    const cached: { fetchedAt: number; kids: Set<string> }[] = [];
    const signingKids = new Set<string>();
    const failures: string[] = [];
    let jwks = createLocalJWKSet({ keys: [...ring.publicJwks().keys] });
    let version = ring.version;
    let steps = 0;
    let maxPublished = 0;

    while (clock.now() <= end) {
      await ring.tick();
      if (ring.version !== version) {
        version = ring.version;
        jwks = createLocalJWKSet({ keys: [...ring.publicJwks().keys] });
      }
      const published = new Set(ring.publicJwks().keys.map((k) => k.kid));
      maxPublished = Math.max(maxPublished, published.size);
      // every verifier that fetched the JWKS at some step during the last maxJwksCacheAgeMs may still use that copy
      cached.push({ fetchedAt: clock.now(), kids: published });
      while (cached[0]!.fetchedAt < clock.now() - maxJwksCacheAgeMs) cached.shift();

      const signed = await signer.sign({ sub: `user-${steps % 7}` });
      tokens.push({ token: signed.token, kid: signed.kid!, exp: signed.exp });
      signingKids.add(signed.kid!);
      while (tokens.length > 0 && tokens[0]!.exp <= clock.nowSeconds()) tokens.shift();

      for (const { token, kid } of tokens) {
        try {
          await jwtVerify(token, jwks, {
            issuer: 'https://auth.example.com',
            audience: 'api',
            algorithms: ['RS256'],
            typ: 'at+jwt',
            currentDate: new Date(clock.now()),
          });
        } catch (error) {
          failures.push(`${new Date(clock.now()).toISOString()}: ${(error as Error).message}`);
        }
        for (const copy of cached) {
          if (!copy.kids.has(kid))
            failures.push(
              `${new Date(clock.now()).toISOString()}: kid ${kid} missing from a JWKS cached at ${new Date(copy.fetchedAt).toISOString()}`,
            );
        }
      }
      steps += 1;
      clock.advance(step);
    }

    expect(failures).toEqual([]);
    expect(steps).toBe(90 * 48 + 1);
    expect(signingKids.size).toBe(4);
    expect(maxPublished).toBe(3);
  }, 180_000);
});
