import { randomBytes } from 'node:crypto';
import express, { type Express } from 'express';
import cookieParser from 'cookie-parser';
import { calculateJwkThumbprint, type JWK } from 'jose';
import supertest from 'supertest';
import {
  craftDpopProof,
  createClock,
  createDpopKey,
  createTestKeyPair,
  type ProofKey,
  type TestClock,
  type TestKeyPair,
} from '@jwks-kit/test-kit';
import { createDpopNonces, createMemoryDpopReplayStore, type DpopReplayStore } from '@jwks-kit/core';
import { authErrorHandler, createLocalKeySet, requireAuth, type RequireAuthOptions } from '../src/index.js';
import type { DpopOptions } from '../src/dpop-options.js';
import { accessToken, AUDIENCE, ISSUER } from './lib/craft-token.js';

const ORIGIN = 'https://orders.example.com';
const ALGS = 'algs="ES256 EdDSA"';

let pair: TestKeyPair;
let client: ProofKey;
let thief: ProofKey;
let jkt: string;
let clock: TestClock;

beforeAll(async () => {
  pair = await createTestKeyPair();
  client = createDpopKey('ES256');
  thief = createDpopKey('EdDSA');
  jkt = await calculateJwkThumbprint(client.publicJwk as JWK, 'sha256');
});

beforeEach(() => {
  clock = createClock();
});

function app(dpop: Partial<DpopOptions> | null = {}, extra: Partial<RequireAuthOptions> = {}): Express {
  const server = express();
  server.use(cookieParser());
  const authenticate = requireAuth({
    issuer: ISSUER,
    audience: AUDIENCE,
    keySet: createLocalKeySet({ keys: [pair.publicJwk] }),
    cookieName: 'access',
    now: clock.now,
    ...(dpop === null ? {} : { dpop: { publicOrigin: ORIGIN, ...dpop } }),
    ...extra,
  } as RequireAuthOptions);
  server.all('/orders', authenticate, (req, res) => {
    res.json({ sub: req.auth?.claims.sub, scheme: req.auth?.scheme, jkt: req.auth?.jkt ?? null });
  });
  server.use(authErrorHandler());
  return server;
}

const boundToken = (key = jkt) => accessToken(pair, clock, { claims: { cnf: { jkt: key } } });
const proofFor = (
  token: string | undefined,
  over: { method?: string; url?: string; iat?: number; nonce?: string; key?: ProofKey } = {},
) =>
  craftDpopProof(over.key ?? client, {
    method: over.method ?? 'GET',
    url: over.url ?? `${ORIGIN}/orders`,
    iat: over.iat ?? clock.nowSeconds(),
    accessToken: token,
    nonce: over.nonce,
  });

/** A GET with `Authorization: DPoP` and the proof (an array sends one `DPoP` header per entry). */
function dpopGet(server: Express, token: string, proof: string | string[] | undefined, path = '/orders') {
  const request = supertest(server).get(path).set('Authorization', `DPoP ${token}`);
  return proof === undefined ? request : request.set('DPoP', proof as string);
}

const dpopChallenge = (error: string, description: string) =>
  `DPoP realm="api", error="${error}", error_description="${description}", ${ALGS}`;

describe('requireAuth with dpop: accepted requests', () => {
  it('Authorization: DPoP with a proof of the bound key → 200, req.auth says DPoP and the jkt', async () => {
    const token = boundToken();
    const res = await dpopGet(app(), token, proofFor(token)).expect(200);
    expect(res.body).toEqual({ sub: 'user-1', scheme: 'DPoP', jkt });
  });

  it('the scheme in any case; a query string is not part of htu', async () => {
    const token = boundToken();
    await supertest(app())
      .get('/orders?page=2')
      .set('Authorization', `dpop ${token}`)
      .set('DPoP', proofFor(token))
      .expect(200);
  });

  it('htu is the configured public origin, whatever Host says', async () => {
    const token = boundToken();
    await dpopGet(app(), token, proofFor(token)).set('Host', 'evil.example.net').expect(200);
    const res = await dpopGet(app(), token, proofFor(token, { url: 'http://evil.example.net/orders' }))
      .set('Host', 'evil.example.net')
      .expect(401);
    expect(res.headers['www-authenticate']).toBe(dpopChallenge('invalid_dpop_proof', 'The DPoP proof is invalid'));
  });

  it('a plain Bearer token on a DPoP route still passes, its challenges unchanged', async () => {
    const server = app();
    const ok = await supertest(server)
      .get('/orders')
      .set('Authorization', `Bearer ${accessToken(pair, clock)}`);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ sub: 'user-1', scheme: 'Bearer', jkt: null });
    const bad = await supertest(server).get('/orders').set('Authorization', 'Bearer abc.def.ghi').expect(401);
    expect(bad.headers['www-authenticate']).toBe(
      'Bearer realm="api", error="invalid_token", error_description="The access token is malformed"',
    );
  });

  it('the verified-token cache may hold the token, but every request needs its own fresh proof', async () => {
    const server = app();
    const token = boundToken();
    for (let i = 0; i < 4; i += 1) await dpopGet(server, token, proofFor(token)).expect(200);
    const reused = proofFor(token);
    await dpopGet(server, token, reused).expect(200);
    await dpopGet(server, token, reused).expect(401);
    await dpopGet(server, token, proofFor(token, { key: thief })).expect(401);
    await dpopGet(server, token, undefined).expect(401);
  });
});

describe('requireAuth with dpop: binding checks', () => {
  it('no downgrade: a cnf.jkt token as Bearer is refused, with and without the dpop option, header or cookie', async () => {
    const token = boundToken();
    for (const server of [app(), app(null)]) {
      const res = await supertest(server).get('/orders').set('Authorization', `Bearer ${token}`).expect(401);
      expect(res.body.code).toBe('invalid_token');
      expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="api"/);
      await supertest(server).get('/orders').set('Cookie', `access=${token}`).expect(401);
    }
    // any confirmation (e.g. an mTLS x5t#S256) is a binding a Bearer request cannot satisfy
    const mtls = accessToken(pair, clock, { claims: { cnf: { 'x5t#S256': 'abc' } } });
    await supertest(app(null)).get('/orders').set('Authorization', `Bearer ${mtls}`).expect(401);
  });

  it('without the dpop option, the DPoP scheme is not read (401 missing token)', async () => {
    const token = boundToken();
    const res = await dpopGet(app(null), token, proofFor(token)).expect(401);
    expect(res.body.code).toBe('missing_token');
  });

  it('a proof with an unbound token is refused', async () => {
    const token = accessToken(pair, clock);
    const res = await dpopGet(app(), token, proofFor(token)).expect(401);
    expect(res.headers['www-authenticate']).toBe(
      dpopChallenge('invalid_token', 'The access token is not bound to a DPoP key'),
    );
  });

  it('the proof key must be the cnf.jkt key (a thief with their own key)', async () => {
    const token = boundToken();
    const res = await dpopGet(app(), token, proofFor(token, { key: thief })).expect(401);
    expect(res.headers['www-authenticate']).toBe(
      dpopChallenge('invalid_token', 'The DPoP proof key is not the key the access token is bound to'),
    );
  });

  it('Bearer and DPoP together are refused (400)', async () => {
    const token = boundToken();
    const unbound = accessToken(pair, clock);
    for (const bearer of [token, unbound]) {
      const res = await supertest(app())
        .get('/orders')
        .set('Authorization', `Bearer ${bearer}`)
        .set('DPoP', proofFor(bearer))
        .expect(400);
      expect(res.body.code).toBe('invalid_request');
    }
    await supertest(app())
      .get('/orders')
      .set('Authorization', `DPoP ${token}`)
      .set('DPoP', proofFor(token))
      .set('Cookie', `access=${token}`)
      .expect(400);
  });

  it('a missing proof, repeated DPoP headers, or two Authorization headers are refused', async () => {
    const token = boundToken();
    const missing = await dpopGet(app(), token, undefined).expect(401);
    expect(missing.headers['www-authenticate']).toBe(
      dpopChallenge('invalid_dpop_proof', 'Exactly one DPoP proof header is required'),
    );
    const repeated = await dpopGet(app(), token, [proofFor(token), proofFor(token)]).expect(401);
    expect(repeated.headers['www-authenticate']).toBe(missing.headers['www-authenticate']);
    await supertest(app())
      .get('/orders')
      .set('Authorization', [`DPoP ${token}`, `DPoP ${token}`] as unknown as string)
      .set('DPoP', proofFor(token))
      .expect(400);
  });
});

describe('requireAuth with dpop: proof checks through the middleware', () => {
  it.each([
    ['another method', { method: 'POST' }],
    ['another path', { url: `${ORIGIN}/orders/1` }],
    ['another origin', { url: 'https://profile.example.com/orders' }],
    ['a query in htu', { url: `${ORIGIN}/orders?page=2` }],
    ['an old iat', { iat: Date.UTC(2026, 0, 1) / 1000 - 120 }],
    ['an iat in the future', { iat: Date.UTC(2026, 0, 1) / 1000 + 120 }],
  ])('%s → 401 invalid_dpop_proof', async (_name, over) => {
    const token = boundToken();
    const res = await dpopGet(app(), token, proofFor(token, over)).expect(401);
    expect(res.body).toEqual({
      error: 'invalid_dpop_proof',
      code: 'invalid_dpop_proof',
      error_description: 'The DPoP proof is invalid',
    });
  });

  it('ath of another token → 401; the refusal detail is on cause, never in the response', async () => {
    const token = boundToken();
    const errors: unknown[] = [];
    const server = express();
    server.get(
      '/orders',
      requireAuth({
        issuer: ISSUER,
        audience: AUDIENCE,
        keySet: createLocalKeySet({ keys: [pair.publicJwk] }),
        now: clock.now,
        dpop: { publicOrigin: ORIGIN },
      }),
      (_req, res) => {
        res.end();
      },
    );
    server.use((err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      errors.push(err);
      res.status(401).end();
    });
    await dpopGet(server, token, proofFor(boundToken().replace(/.$/, 'x'))).expect(401);
    expect((errors[0] as { cause: { reason: string } }).cause.reason).toBe('ath');
  });

  it('an expired token on the DPoP scheme gets the DPoP challenge', async () => {
    const token = boundToken();
    clock.advance(2 * 3600_000);
    const res = await dpopGet(app(), token, proofFor(token)).expect(401);
    expect(res.body.code).toBe('token_expired');
    expect(res.headers['www-authenticate']).toMatch(/^DPoP realm="api", error="invalid_token", .*algs="ES256 EdDSA"$/);
  });

  it('EdDSA proofs, and only the configured algorithms', async () => {
    const edJkt = await calculateJwkThumbprint(thief.publicJwk as JWK, 'sha256');
    const token = boundToken(edJkt);
    await dpopGet(app(), token, proofFor(token, { key: thief })).expect(200);
    const res = await dpopGet(app({ algorithms: ['ES256'] }), token, proofFor(token, { key: thief })).expect(401);
    expect(res.headers['www-authenticate']).toContain('algs="ES256"');
  });
});

describe('requireAuth with dpop: challenges and DPoP-only routes', () => {
  it('no token: Bearer and DPoP challenges where both are accepted, only DPoP on a DPoP-only route', async () => {
    const both = await supertest(app()).get('/orders').expect(401);
    expect(both.headers['www-authenticate']).toBe(`Bearer realm="api", DPoP realm="api", ${ALGS}`);
    const only = await supertest(app({ required: true }))
      .get('/orders')
      .expect(401);
    expect(only.headers['www-authenticate']).toBe(`DPoP realm="api", ${ALGS}`);
    const plain = await supertest(app(null)).get('/orders').expect(401);
    expect(plain.headers['www-authenticate']).toBe('Bearer realm="api"');
  });

  it('a DPoP-only route refuses Bearer tokens (header and cookie) and accepts DPoP', async () => {
    const server = app({ required: true });
    const bearer = await supertest(server)
      .get('/orders')
      .set('Authorization', `Bearer ${accessToken(pair, clock)}`)
      .expect(401);
    expect(bearer.headers['www-authenticate']).toBe(
      dpopChallenge('invalid_token', 'This resource requires a DPoP-bound access token'),
    );
    await supertest(server)
      .get('/orders')
      .set('Cookie', `access=${accessToken(pair, clock)}`)
      .expect(401);
    const token = boundToken();
    await dpopGet(server, token, proofFor(token)).expect(200);
  });

  it('resource_metadata rides along in the DPoP challenge', async () => {
    const server = app({}, { resourceMetadataUrl: `${ORIGIN}/.well-known/oauth-protected-resource` });
    const token = boundToken();
    const res = await dpopGet(server, token, undefined).expect(401);
    expect(res.headers['www-authenticate']).toBe(
      `${dpopChallenge('invalid_dpop_proof', 'Exactly one DPoP proof header is required')}, resource_metadata="${ORIGIN}/.well-known/oauth-protected-resource"`,
    );
  });
});

describe('requireAuth with dpop: replay store and nonces', () => {
  it('two replicas sharing one store: a proof used at one is refused at the other', async () => {
    const replayStore = createMemoryDpopReplayStore();
    const [a, b] = [app({ replayStore }), app({ replayStore })];
    const token = boundToken();
    const proof = proofFor(token);
    await dpopGet(a, token, proof).expect(200);
    const res = await dpopGet(b, token, proof).expect(401);
    expect(res.headers['www-authenticate']).toBe(
      dpopChallenge('invalid_dpop_proof', 'The DPoP proof was already used'),
    );
  });

  it('a store that rejects → 503 with Retry-After (fail closed); the proof is not accepted', async () => {
    const down: DpopReplayStore = { useOnce: () => Promise.reject(new Error('connection refused')) };
    const token = boundToken();
    const res = await dpopGet(app({ replayStore: down }), token, proofFor(token)).expect(503);
    expect(res.body.code).toBe('dpop_replay_unavailable');
    // core's rule, shared with the token endpoint: the store's hint, else 1 s
    expect(res.headers['retry-after']).toBe('1');
    const slow: DpopReplayStore = {
      useOnce: () => Promise.reject(Object.assign(new Error('timeout'), { retryAfterSeconds: 3 })),
    };
    const again = await dpopGet(app({ replayStore: slow }), token, proofFor(token)).expect(503);
    expect(again.headers['retry-after']).toBe('3');
  });

  it('the store sees jkt:jti and a TTL of twice the window plus leeway', async () => {
    const seen: [string, number][] = [];
    const store: DpopReplayStore = {
      useOnce: (key, ttlMs) => {
        seen.push([key, ttlMs]);
        return Promise.resolve(true);
      },
    };
    const token = boundToken();
    await dpopGet(app({ replayStore: store, iatWindowSeconds: 30, leewaySeconds: 2 }), token, proofFor(token)).expect(
      200,
    );
    expect(seen).toHaveLength(1);
    expect(seen[0]?.[0]).toMatch(new RegExp(`^${jkt}:[0-9a-f-]{36}$`));
    expect(seen[0]?.[1]).toBe(64_000);
  });

  it('nonces: a proof without one gets use_dpop_nonce and a DPoP-Nonce; the retry with it passes', async () => {
    const nonces = createDpopNonces({ secret: randomBytes(32) });
    const server = app({ nonces });
    const token = boundToken();
    const first = await dpopGet(server, token, proofFor(token)).expect(401);
    expect(first.body.code).toBe('use_dpop_nonce');
    expect(first.headers['www-authenticate']).toBe(dpopChallenge('use_dpop_nonce', 'A DPoP nonce is required'));
    const nonce = first.headers['dpop-nonce'] as string;
    expect(nonce).toBe(nonces.issue(clock.nowSeconds()));
    await dpopGet(server, token, proofFor(token, { nonce })).expect(200);
    clock.advance(121_000); // two windows later the nonce is stale, and a new one comes back
    const stale = await dpopGet(server, token, proofFor(token, { nonce })).expect(401);
    expect(stale.headers['dpop-nonce']).not.toBe(nonce);
  });
});

describe('requireAuth dpop option validation', () => {
  it.each([
    [{}, 'dpop.publicOrigin'],
    [{ publicOrigin: 'https://orders.example.com/api' }, 'dpop.publicOrigin'],
    [{ publicOrigin: 'orders.example.com' }, 'dpop.publicOrigin'],
    [{ publicOrigin: ORIGIN, algorithms: ['HS256'] }, 'dpop.algorithms'],
    [{ publicOrigin: ORIGIN, algorithms: [] }, 'dpop.algorithms'],
    [{ publicOrigin: ORIGIN, iatWindowSeconds: 0 }, 'dpop.iatWindowSeconds'],
    [{ publicOrigin: ORIGIN, leewaySeconds: -1 }, 'dpop.leewaySeconds'],
    [{ publicOrigin: ORIGIN, replayStore: {} }, 'dpop.replayStore'],
    [{ publicOrigin: ORIGIN, nonces: {} }, 'dpop.nonces'],
    [{ publicOrigin: ORIGIN, required: 'yes' }, 'dpop.required'],
  ])('refuses %p', (dpop, name) => {
    expect(() =>
      requireAuth({
        issuer: ISSUER,
        audience: AUDIENCE,
        keySet: createLocalKeySet({ keys: [pair.publicJwk] }),
        dpop: dpop as DpopOptions,
      }),
    ).toThrow(`option \`${name}\``);
  });
});
