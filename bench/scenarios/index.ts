import { ALGORITHM_SCENARIOS } from '../algorithms/scenarios.js';
import { prepareAuth, prepareOpen } from '../lib/preflight.js';
import type { LoadPlan, ParentTokens, ScenarioModule } from '../lib/types.js';

/** One benchmark scenario: where it runs, how it is checked before timing, what it is compared to. */
export interface ScenarioDef {
  /** Stable id, used by `--only=` and in latest.json. */
  readonly id: string;
  /** Number in the benchmark issue (`--only=` accepts it too). */
  readonly number: number;
  readonly title: string;
  readonly kind: ScenarioModule['kind'];
  readonly needsRedis?: boolean;
  /** HTTP: ids of the scenarios whose same-round requests/s are the ratios' denominators. @default ['bare'] */
  readonly ratiosTo?: readonly string[];
  /** Micro: the variant the other variants' ratios are taken against. */
  readonly microBaseline?: string;
  /** Loads the module inside the server-under-test process. */
  readonly load: () => Promise<ScenarioModule>;
  /** `--against` twins: the scenario the server process runs, and the other checkout's `server.ts` it runs from. */
  readonly runs?: Readonly<{ scenarioId: string; entry: string }>;
  /** HTTP: pre-flight checks (status codes) run by the orchestrator; returns how to load the server. */
  readonly prepare?: (baseUrl: string, tokens: ParentTokens) => Promise<LoadPlan>;
}

/** Tokens of row 35: each comes back after this many requests, twice the verified-token cache of 10,000. */
const RETURNING_POOL = 20_000;

/**
 * Pre-flight of the rows that do not check the token: they receive the same `Authorization` header as the
 * authenticated rows, so that ratios measure what the middleware does, not the HTTP parser reading a 700-byte header.
 */
const openWithRepeatedToken = (url: string, tokens: ParentTokens) =>
  prepareOpen(url, { authorization: `Bearer ${tokens.repeated}` });

const mod = (loader: () => Promise<{ scenario: ScenarioModule }>) => async () => (await loader()).scenario;

/** Every scenario, in report order. */
export const SCENARIOS: readonly ScenarioDef[] = [
  {
    id: 'bare',
    number: 1,
    title: 'bare Express 5 `{ ok: true }` (same `Authorization` header, not checked)',
    kind: 'http',
    load: mod(() => import('./bare-express.js')),
    prepare: openWithRepeatedToken,
  },
  {
    id: 'bare-auth-store',
    number: 36,
    title: 'bare Express + a one-line middleware setting `req.auth` (same `Authorization` header, not checked)',
    kind: 'http',
    load: async () => (await import('./bare-express.js')).authStoreScenario('req'),
    prepare: openWithRepeatedToken,
  },
  {
    id: 'bare-locals-store',
    number: 38,
    title: 'bare Express + a one-line middleware setting `res.locals.auth` (same `Authorization` header, not checked)',
    kind: 'http',
    ratiosTo: ['bare', 'bare-auth-store'],
    load: async () => (await import('./bare-express.js')).authStoreScenario('locals'),
    prepare: openWithRepeatedToken,
  },
  {
    id: 'bare-shape',
    number: 39,
    title:
      'bare Express with the request shape `requireAuth` reserves (its prepended `request` listener, nothing else)',
    kind: 'http',
    load: async () => (await import('./bare-express.js')).shapedBareScenario(),
    prepare: openWithRepeatedToken,
  },
  {
    id: 'bare-shape-auth-store',
    number: 41,
    title: 'row 39 + the one-line middleware of row 36 setting `req.auth` (a second route layer and a store)',
    kind: 'http',
    ratiosTo: ['bare', 'bare-shape'],
    load: async () => (await import('./bare-express.js')).authStoreScenario('req', true),
    prepare: openWithRepeatedToken,
  },
  {
    id: 'bare-shape-verifier-loaded',
    number: 42,
    title: 'row 39 in a process holding a ready `requireAuth` mounted on another route (the verifier loaded, not run)',
    kind: 'http',
    ratiosTo: ['bare', 'bare-shape'],
    load: async () => (await import('./require-auth.js')).verifierLoadedScenario(),
    prepare: openWithRepeatedToken,
  },
  {
    id: 'require-auth-repeated',
    number: 2,
    title: '`requireAuth`, repeated token (verified-token cache hit)',
    kind: 'http',
    ratiosTo: ['bare', 'bare-shape', 'bare-shape-auth-store', 'bare-shape-verifier-loaded', 'bare-auth-store'],
    load: async () => (await import('./require-auth.js')).requireAuthScenario('none'),
    prepare: (url, tokens) => prepareAuth(url, tokens, false),
  },
  {
    id: 'require-auth-otel',
    number: 19,
    title: '`requireAuth`, repeated token, OpenTelemetry SDK on (MeterProvider + Prometheus reader)',
    kind: 'http',
    ratiosTo: ['require-auth-repeated', 'bare'],
    load: mod(() => import('./require-auth-otel.js')),
    prepare: (url, tokens) => prepareAuth(url, tokens, false),
  },
  {
    id: 'require-auth-distinct',
    number: 3,
    title: '`requireAuth`, distinct token per request',
    kind: 'http',
    ratiosTo: ['bare', 'floor', 'floor-shape', 'floor-req-auth'],
    load: async () => (await import('./require-auth.js')).requireAuthScenario('none'),
    prepare: (url, tokens) => prepareAuth(url, tokens, true),
  },
  {
    id: 'require-auth-returning',
    number: 35,
    title: '`requireAuth`, tokens that come back past the cache: 20,000 cycled (twice the cache); × row 3',
    kind: 'http',
    ratiosTo: ['require-auth-distinct', 'bare'],
    load: async () => (await import('./require-auth.js')).requireAuthScenario('none'),
    prepare: async (url, tokens) => ({
      ...(await prepareAuth(url, tokens, true)),
      pool: tokens.pool.slice(0, RETURNING_POOL),
    }),
  },
  {
    id: 'floor',
    number: 15,
    title: 'the floor: hand-written middleware (JWKS once, KeyObject per kid, sync `crypto.verify`, iss/aud/exp)',
    kind: 'http',
    load: mod(() => import('./floor.js')),
    prepare: (url, tokens) => prepareAuth(url, tokens, true),
  },
  {
    id: 'floor-shape',
    number: 40,
    title: 'the floor of row 15 with the request shape `requireAuth` reserves (its prepended `request` listener)',
    kind: 'http',
    ratiosTo: ['floor', 'bare'],
    load: async () => (await import('./floor.js')).floorScenario('locals', true),
    prepare: (url, tokens) => prepareAuth(url, tokens, true),
  },
  {
    id: 'floor-req-auth',
    number: 37,
    title: 'the floor of row 15 handing the claims on `req.auth` instead of `res.locals.auth`',
    kind: 'http',
    ratiosTo: ['floor', 'bare'],
    load: async () => (await import('./floor.js')).floorScenario('req'),
    prepare: (url, tokens) => prepareAuth(url, tokens, true),
  },
  {
    id: 'require-auth-mirror',
    number: 4,
    title: '`requireAuth`, distinct tokens + Redis denylist mirror of the small denylist',
    kind: 'http',
    needsRedis: true,
    ratiosTo: ['require-auth-distinct', 'bare'],
    load: async () => (await import('./require-auth.js')).requireAuthScenario('mirror'),
    prepare: (url, tokens) => prepareAuth(url, tokens, true, true),
  },
  {
    id: 'require-auth-mirror-1m',
    number: 16,
    title: '`requireAuth`, distinct tokens + Redis denylist mirror of the large denylist',
    kind: 'http',
    needsRedis: true,
    ratiosTo: ['require-auth-distinct', 'bare'],
    load: async () => (await import('./require-auth.js')).requireAuthScenario('mirror-large'),
    prepare: (url, tokens) => prepareAuth(url, tokens, true, true),
  },
  {
    id: 'require-auth-lookup',
    number: 5,
    title: '`requireAuth`, distinct tokens + Redis denylist lookup of the small denylist (MGET per request)',
    kind: 'http',
    needsRedis: true,
    ratiosTo: ['require-auth-distinct', 'bare'],
    load: async () => (await import('./require-auth.js')).requireAuthScenario('lookup'),
    prepare: (url, tokens) => prepareAuth(url, tokens, true, true),
  },
  {
    id: 'express-jwt',
    number: 6,
    title: 'express-jwt + jwks-rsa (distinct tokens)',
    kind: 'http',
    ratiosTo: ['bare', 'floor'],
    load: mod(() => import('./express-jwt.js')),
    prepare: (url, tokens) => prepareAuth(url, tokens, true),
  },
  {
    id: 'oauth2-jwt-bearer',
    number: 7,
    title: 'express-oauth2-jwt-bearer (distinct tokens)',
    kind: 'http',
    ratiosTo: ['bare', 'floor'],
    load: mod(() => import('./oauth2-jwt-bearer.js')),
    prepare: (url, tokens) => prepareAuth(url, tokens, true),
  },
  {
    id: 'passport-jwt',
    number: 8,
    title: 'passport-jwt + jwks-rsa (distinct tokens)',
    kind: 'http',
    ratiosTo: ['bare', 'floor'],
    load: mod(() => import('./passport-jwt.js')),
    prepare: (url, tokens) => prepareAuth(url, tokens, true),
  },
  {
    id: 'jose-hand',
    number: 9,
    title: 'hand-written jose createRemoteJWKSet + jwtVerify (distinct tokens)',
    kind: 'http',
    ratiosTo: ['bare', 'floor'],
    load: mod(() => import('./jose-hand.js')),
    prepare: (url, tokens) => prepareAuth(url, tokens, true),
  },
  {
    id: 'issuer-sign',
    number: 10,
    title: 'issuer: access tokens signed (micro, ops/s)',
    kind: 'micro',
    microBaseline: 'crypto.sign',
    load: mod(() => import('./issuer-sign.js')),
  },
  {
    id: 'jwks',
    number: 11,
    title: 'issuer JWKS endpoint (`jwksHandler`), 200',
    kind: 'http',
    load: mod(() => import('./jwks-endpoint.js')),
    prepare: async (url) => (await import('./jwks-endpoint.js')).prepareJwks(url, false),
  },
  {
    id: 'jwks-304',
    number: 11,
    title: 'issuer JWKS endpoint, If-None-Match → 304',
    kind: 'http',
    load: mod(() => import('./jwks-endpoint.js')),
    prepare: async (url) => (await import('./jwks-endpoint.js')).prepareJwks(url, true),
  },
  {
    id: 'refresh-rotation',
    number: 12,
    title: 'refresh-token rotations on Redis (micro, 16 in flight, ops/s)',
    kind: 'micro',
    needsRedis: true,
    load: mod(() => import('./refresh-rotation.js')),
  },
  {
    id: 'crypto-floor',
    number: 13,
    title: 'raw `crypto.verify` RS256 with a KeyObject (micro, ops/s)',
    kind: 'micro',
    load: mod(() => import('./crypto-floor.js')),
  },
  {
    id: 'middleware',
    number: 18,
    title: 'the middleware alone (micro, calls/s, no HTTP): requireAuth vs the hand-written floor',
    kind: 'micro',
    microBaseline: 'floor, distinct tokens',
    load: mod(() => import('./middleware.js')),
  },
  {
    id: 'telemetry-cost',
    number: 19,
    title: 'OpenTelemetry cost on the hot path (micro, calls/s): `requireAuth`, repeated token, SDK off vs on',
    kind: 'micro',
    microBaseline: 'SDK off',
    load: mod(() => import('./telemetry-cost.js')),
  },
  {
    id: 'mirror-idle-commands',
    number: 17,
    title: 'Redis commands of an idle mirror per minute (private redis-server, INFO commandstats)',
    kind: 'probe',
    load: mod(() => import('./mirror-idle-commands.js')),
  },
  {
    id: 'memory',
    number: 14,
    title: 'memory probe',
    kind: 'probe',
    needsRedis: true,
    load: mod(() => import('./memory.js')),
  },
  ...ALGORITHM_SCENARIOS,
  {
    id: 'require-auth-dpop-bearer',
    number: 34,
    title: '`requireAuth` with the `dpop` option, repeated Bearer token (the DPoP route, plain Bearer)',
    kind: 'http',
    ratiosTo: ['bare', 'require-auth-repeated'],
    load: mod(() => import('./require-auth-dpop.js')),
    prepare: async (url, tokens) => (await import('./require-auth-dpop.js')).prepareDpop(url, tokens, 'Bearer'),
  },
  {
    id: 'require-auth-dpop',
    number: 33,
    title: '`requireAuth` with the `dpop` option, repeated DPoP-bound token + a fresh ES256 proof per request',
    kind: 'http',
    ratiosTo: ['require-auth-dpop-bearer', 'bare'],
    load: mod(() => import('./require-auth-dpop.js')),
    prepare: async (url, tokens) => (await import('./require-auth-dpop.js')).prepareDpop(url, tokens, 'DPoP'),
  },
];

/** Finds a scenario by id; throws with the list of ids otherwise. */
export function findScenario(id: string): ScenarioDef {
  const found = SCENARIOS.find((s) => s.id === id);
  if (!found) throw new Error(`unknown scenario "${id}"; known: ${SCENARIOS.map((s) => s.id).join(', ')}`);
  return found;
}

/** Resolves `--only=` entries (ids or issue numbers) to scenarios, always keeping bare Express. */
export function selectScenarios(only: readonly string[] | undefined): ScenarioDef[] {
  if (!only || only.length === 0) return [...SCENARIOS];
  const wanted = new Set(only);
  const picked = SCENARIOS.filter((s) => wanted.has(s.id) || wanted.has(String(s.number)) || s.id === 'bare');
  // `algorithms`: the token sizes and login storm run after the rounds (bench/algorithms/extras.ts).
  const unknown = only.filter(
    (o) => o !== 'algorithms' && !SCENARIOS.some((s) => s.id === o || String(s.number) === o),
  );
  if (unknown.length > 0)
    throw new Error(
      `unknown scenario(s) ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => `${s.number}:${s.id}`).join(', ')}`,
    );
  return picked;
}
