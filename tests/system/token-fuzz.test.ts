import fc from 'fast-check';
import { createMemoryDenylist, type MemoryDenylist } from '@jwks-kit/denylist';
import { createClock } from '@jwks-kit/test-kit';
import { createAccessTokenVerifier, isVerifierError, type AccessTokenVerifier } from '@jwks-kit/verifier';
import { createApp } from '@jwks-kit/examples/orders-service';
import { AUDIENCES } from '@jwks-kit/examples/shared/audiences';
import { listen, type RunningServer } from '@jwks-kit/examples/shared/listen';
import { startTestIssuer, type TestIssuer } from './support/real-issuer.js';
import { b64json, parseToken } from './support/compact-jws.js';
import { codeOf, createHttpClient } from './support/http-client.js';
import { mapConcurrent } from './support/map-concurrent.js';
import { mutateAll, mutationsArbitrary, tokenShapedArbitrary } from './support/token-mutations.js';

/** `SOAK=1` multiplies every run by 20 (≥ 100,000 cases in all); the default run tries ≥ 5,000. */
const SCALE = process.env.SOAK === '1' ? 20 : 1;
const RUNS = {
  mutations: 3_000 * SCALE,
  shaped: 1_200 * SCALE,
  json: 600 * SCALE,
  arbitrary: 400 * SCALE,
  http: 250 * SCALE,
};

describe('fuzzing the token parser and verifier (fast-check)', () => {
  const clock = createClock(Date.now());
  let issuer: TestIssuer;
  let verifier: AccessTokenVerifier;
  let token: string;
  let denylist: MemoryDenylist;
  let server: RunningServer;
  let tried = 0;

  /** Verifies in-process; answers 'accepted' or the VerifierError code, and fails on any other error. */
  const outcome = async (candidate: string): Promise<string> => {
    tried += 1;
    try {
      await verifier.verify(candidate);
      return 'accepted';
    } catch (error) {
      if (!isVerifierError(error)) throw error;
      return error.code;
    }
  };
  const acceptsOnlyTheOriginal = async (candidate: string) => {
    const result = await outcome(candidate);
    if (candidate === token) return result === 'accepted';
    return result === 'invalid_token';
  };

  beforeAll(async () => {
    issuer = await startTestIssuer(clock.now);
    token = await issuer.sign({ sub: 'alice', scope: 'orders:read', clientId: 'cli' });
    verifier = createAccessTokenVerifier({
      issuer: issuer.issuer,
      audience: AUDIENCES.orders,
      keySet: issuer.keySet,
      now: clock.now,
    });
    denylist = createMemoryDenylist({ issuer: issuer.issuer, now: clock.now, sweepIntervalMs: 0 });
    const app = createApp({
      issuerUrl: issuer.issuer,
      keySet: issuer.keySet,
      denylist,
      allowedOrigins: [],
      now: clock.now,
      log: () => {},
    });
    server = await listen(app, 0);
  });
  afterAll(async () => {
    console.log(`token fuzzing: ${tried} cases tried (SOAK=${SCALE > 1 ? 1 : 0})`);
    await server?.close();
    await denylist?.close();
    await verifier?.close();
    await issuer?.close();
  });

  it('accepts the original token (the control of every property)', async () => {
    expect(await outcome(token)).toBe('accepted');
  });

  it(
    'accepts no mutation of a valid token but the original (byte flips, segment swaps, alphabet changes, truncation, extension)',
    async () => {
      await fc.assert(
        fc.asyncProperty(mutationsArbitrary, async (mutations) => acceptsOnlyTheOriginal(mutateAll(token, mutations))),
        { numRuns: RUNS.mutations },
      );
    },
    120_000 * SCALE,
  );

  it('accepts no other spelling of the last character of any segment (canonical base64url: unused bits must be zero)', async () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const lastChar = fc.record({ segment: fc.integer({ min: 0, max: 2 }), char: fc.constantFrom(...alphabet) });
    await fc.assert(
      fc.asyncProperty(lastChar, async ({ segment, char }) => {
        const parts = token.split('.');
        parts[segment] = `${(parts[segment] as string).slice(0, -1)}${char}`;
        return acceptsOnlyTheOriginal(parts.join('.'));
      }),
      { numRuns: 200 * SCALE },
    );
  });

  it(
    'refuses token-shaped strings with invalid_token, never throwing anything but a VerifierError',
    async () => {
      await fc.assert(
        fc.asyncProperty(tokenShapedArbitrary, async (candidate) => acceptsOnlyTheOriginal(candidate)),
        { numRuns: RUNS.shaped },
      );
    },
    60_000 * SCALE,
  );

  it(
    'refuses any edit of the header or payload JSON under the original signature',
    async () => {
      const { header, payload, segments } = parseToken(token);
      const edit = fc.record({
        target: fc.constantFrom('header' as const, 'payload' as const),
        key: fc.constantFrom(...Object.keys(header), ...Object.keys(payload), 'x', '__proto__', 'constructor'),
        value: fc.jsonValue({ maxDepth: 3 }),
      });
      await fc.assert(
        fc.asyncProperty(edit, async ({ target, key, value }) => {
          const h = target === 'header' ? b64json({ ...header, [key]: value }) : segments[0];
          const p = target === 'payload' ? b64json({ ...payload, [key]: value }) : segments[1];
          return acceptsOnlyTheOriginal(`${h}.${p}.${segments[2]}`);
        }),
        { numRuns: RUNS.json },
      );
    },
    60_000 * SCALE,
  );

  it(
    'refuses arbitrary Unicode strings, huge ones included',
    async () => {
      const arbitrary = fc.oneof(
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.string({ minLength: 8_000, maxLength: 9_000 }),
      );
      await fc.assert(
        fc.asyncProperty(arbitrary, async (candidate) => acceptsOnlyTheOriginal(candidate)),
        { numRuns: RUNS.arbitrary },
      );
    },
    60_000 * SCALE,
  );

  it(
    'over real HTTP: mutated tokens get 400 or 401 with a JSON code, never 200 or 500',
    async () => {
      const samples = fc
        .sample(mutationsArbitrary, { numRuns: RUNS.http, seed: 7 })
        .map((mutations) => mutateAll(token, mutations));
      // fetch refuses header values with control or non-Latin-1 characters: those never reach a server.
      const sendable = samples.filter((candidate) => candidate !== token && /^[\x20-\x7e]*$/.test(candidate));
      const client = createHttpClient(16);
      const statuses = await mapConcurrent(sendable, 16, async (candidate) => {
        tried += 1;
        const reply = await client.get(`${server.url}/orders`, { authorization: `Bearer ${candidate}` });
        return `${reply.status} ${codeOf(reply)}`;
      });
      client.close();
      const unexpected = statuses.filter(
        (s) => s !== '401 invalid_token' && s !== '400 invalid_request' && s !== '401 missing_token',
      );
      expect(unexpected).toEqual([]);
      expect(sendable.length).toBeGreaterThan(RUNS.http / 2);
      const control = await fetch(`${server.url}/orders`, { headers: { authorization: `Bearer ${token}` } });
      expect(control.status).toBe(200);
    },
    60_000 * SCALE,
  );
});
