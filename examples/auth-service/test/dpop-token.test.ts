import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { calculateJwkThumbprint } from 'jose';
import { createMemoryDenylist } from '@jwks-kit/denylist';
import {
  createKeyRing,
  createMemoryKeyStore,
  generateClientSecret,
  hashClientSecret,
  type KeyRing,
} from '@jwks-kit/issuer';
import { createMemoryRefreshTokenStore } from '@jwks-kit/issuer/sessions';
import { craftDpopProof, createClock, createDpopKey, type ProofKey, type TestClock } from '@jwks-kit/test-kit';
import { AUDIENCES } from '../../shared/src/audiences.js';
import { readAuthConfig } from '../src/config.js';
import { createApp, type AuthAppDeps } from '../src/create-app.js';
import { createLoginRateLimiter } from '../src/login-rate-limiter.js';
import { createUserDirectory, DEMO_USERS, type UserDirectory } from '../src/users.js';

const ISSUER = 'http://127.0.0.1:4000';
const TOKEN_URL = `${ISSUER}/token`;
const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

describe('auth service /token with DPoP (RFC 9449)', () => {
  let users: UserDirectory;
  let keyRing: KeyRing;
  let clock: TestClock;
  let key: ProofKey;
  let jkt: string;

  beforeAll(async () => {
    users = await createUserDirectory(DEMO_USERS);
    key = createDpopKey('ES256');
    jkt = await calculateJwkThumbprint(key.publicJwk, 'sha256');
  });
  beforeEach(async () => {
    clock = createClock(Date.now());
    keyRing = await createKeyRing({
      store: createMemoryKeyStore(),
      maxJwksCacheAgeMs: 60_000,
      maxTokenLifetimeSeconds: 600,
      now: clock.now,
    });
  });
  const build = (overrides: Partial<AuthAppDeps> = {}) =>
    createApp({
      issuerUrl: ISSUER,
      keyRing,
      users,
      denylist: createMemoryDenylist({ issuer: ISSUER, now: clock.now, sweepIntervalMs: 0 }),
      refreshStore: createMemoryRefreshTokenStore(),
      allowedOrigins: [ISSUER],
      ordersPort: 4001,
      profilePort: 4002,
      now: clock.now,
      log: () => {},
      ...overrides,
    });
  const proof = (k: ProofKey = key, nonce?: string, url = TOKEN_URL) =>
    craftDpopProof(k, { method: 'POST', url, iat: clock.nowSeconds(), ...(nonce ? { nonce } : {}) });
  const password = (app: ReturnType<typeof build>, dpop?: string, pass = 'alice-pass') => {
    const req = request(app).post('/token').type('form');
    if (dpop) req.set('DPoP', dpop);
    return req.send({ grant_type: 'password', username: 'alice', password: pass });
  };
  const refresh = (app: ReturnType<typeof build>, token: string, dpop?: string) => {
    const req = request(app).post('/token').type('form');
    if (dpop) req.set('DPoP', dpop);
    return req.send({ grant_type: 'refresh_token', refresh_token: token });
  };

  it('password and refresh_token grants with a proof: token_type DPoP and cnf.jkt of the proof key, every rotation', async () => {
    const app = build();
    const login = await password(app, proof());
    expect(login.status).toBe(200);
    expect(login.body.token_type).toBe('DPoP');
    expect(claimsOf(login.body.access_token).cnf).toEqual({ jkt });
    let token = login.body.refresh_token as string;
    for (let i = 0; i < 3; i += 1) {
      clock.advance(1000);
      const rotated = await refresh(app, token, proof());
      expect(rotated.status).toBe(200);
      expect(rotated.body.token_type).toBe('DPoP');
      expect(claimsOf(rotated.body.access_token).cnf).toEqual({ jkt });
      token = rotated.body.refresh_token;
    }
    // without a proof nothing changes: Bearer as before
    const bearer = await password(app);
    expect(bearer.body.token_type).toBe('Bearer');
    expect(claimsOf(bearer.body.access_token).cnf).toBeUndefined();
  });

  it('refuses a bound refresh without a proof, with another key, at /refresh (no DPoP there), and an unbound family with a proof; the family lives on', async () => {
    const app = build();
    const login = await password(app, proof());
    const token = login.body.refresh_token as string;
    const noProof = await refresh(app, token);
    expect([noProof.status, noProof.body.code]).toEqual([400, 'dpop_proof_required']);
    const otherKey = await refresh(app, token, proof(createDpopKey('EdDSA')));
    expect([otherKey.status, otherKey.body.code]).toEqual([400, 'dpop_key_mismatch']);
    const viaRefresh = await request(app).post('/refresh').type('form').send({ refresh_token: token });
    expect([viaRefresh.status, viaRefresh.body.code]).toEqual([400, 'dpop_proof_required']);
    expect((await refresh(app, token, proof())).status).toBe(200);

    const unbound = (await password(app)).body.refresh_token as string;
    const upgraded = await refresh(app, unbound, proof());
    expect([upgraded.status, upgraded.body.code]).toEqual([400, 'refresh_token_not_dpop_bound']);
    expect((await refresh(app, unbound)).body.token_type).toBe('Bearer');
  });

  it('refuses a replayed proof, a proof for another URL and a forged one at /token, before checking the password', async () => {
    // one failed attempt per username would lock alice: refused proofs must not count as attempts
    const app = build({ loginRateLimiter: createLoginRateLimiter({ maxFailuresPerUsername: 1, windowSeconds: 60 }) });
    const used = proof();
    expect((await password(app, used)).status).toBe(200);
    const replayed = await password(app, used);
    expect([replayed.status, replayed.body.error, replayed.body.code]).toEqual([
      400,
      'invalid_dpop_proof',
      'dpop_proof_replayed',
    ]);
    const elsewhere = await password(app, proof(key, undefined, `${ISSUER}/refresh`));
    expect([elsewhere.status, elsewhere.body.error]).toEqual([400, 'invalid_dpop_proof']);
    const forged = craftDpopProof(
      key,
      { method: 'POST', url: TOKEN_URL, iat: clock.nowSeconds() },
      { signWith: createDpopKey('ES256').privateKey },
    );
    // a wrong password with a bad proof: the proof answers, no login attempt is spent
    const bad = await password(app, forged, 'wrong');
    expect([bad.status, bad.body.error]).toEqual([400, 'invalid_dpop_proof']);
    expect(bad.body.error_description).not.toContain(forged);
    expect((await password(app, forged, 'wrong')).status).toBe(400);
    expect((await password(app, proof())).status).toBe(200);
  });

  it('with DPOP_NONCE_SECRET: 400 use_dpop_nonce + DPoP-Nonce, the retry succeeds; a stale nonce is refused again', async () => {
    const app = build({ dpopNonceSecret: randomBytes(32) });
    const challenged = await password(app, proof());
    expect([challenged.status, challenged.body.error]).toEqual([400, 'use_dpop_nonce']);
    const nonce = challenged.headers['dpop-nonce'] as string;
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const login = await password(app, proof(key, nonce));
    expect(login.status).toBe(200);
    expect(login.headers['dpop-nonce']).toBe(nonce);
    clock.advance(125_000); // two windows of 60 s later
    const stale = await refresh(app, login.body.refresh_token, proof(key, nonce));
    expect([stale.status, stale.body.error]).toEqual([400, 'use_dpop_nonce']);
    const fresh = stale.headers['dpop-nonce'] as string;
    expect(fresh).not.toBe(nonce);
    expect((await refresh(app, login.body.refresh_token, proof(key, fresh))).status).toBe(200);
  });

  it('introspection (RFC 7662) answers token_type DPoP and cnf.jkt for a bound access token, cnf.jkt for its refresh token', async () => {
    const secret = generateClientSecret();
    const app = build({
      oauthClients: [{ clientId: 'cli', secretHash: hashClientSecret(secret), audiences: [AUDIENCES.orders] }],
    });
    const login = await password(app, proof());
    const introspect = (token: string) =>
      request(app)
        .post('/introspect')
        .set('Authorization', `Basic ${Buffer.from(`cli:${secret}`).toString('base64')}`)
        .type('form')
        .send({ token });
    expect((await introspect(login.body.access_token)).body).toMatchObject({
      active: true,
      token_type: 'DPoP',
      cnf: { jkt },
    });
    expect((await introspect(login.body.refresh_token)).body).toMatchObject({
      active: true,
      token_type: 'refresh_token',
      cnf: { jkt },
    });
    const bearer = await password(app);
    expect((await introspect(bearer.body.access_token)).body).toMatchObject({ active: true, token_type: 'Bearer' });
    expect((await introspect(bearer.body.refresh_token)).body).not.toHaveProperty('cnf');
  });

  it('advertises dpop_signing_alg_values_supported in discovery', async () => {
    const res = await request(build()).get('/.well-known/openid-configuration');
    expect(res.body.dpop_signing_alg_values_supported).toEqual(['ES256', 'EdDSA']);
  });

  it('reads DPOP_NONCE_SECRET as 32 bytes of base64 (unset: no nonces) and refuses anything else naming it', () => {
    const secret = randomBytes(32);
    expect(readAuthConfig({}).dpopNonceSecret).toBeUndefined();
    expect(readAuthConfig({ DPOP_NONCE_SECRET: secret.toString('base64') }).dpopNonceSecret).toEqual(secret);
    for (const bad of ['short', randomBytes(16).toString('base64'), 'not base64 at all!'])
      expect(() => readAuthConfig({ DPOP_NONCE_SECRET: bad })).toThrow(/^DPOP_NONCE_SECRET must be 32 random bytes/);
  });
});
