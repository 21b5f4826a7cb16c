import { randomBytes } from 'node:crypto';
import express from 'express';
import request from 'supertest';
import { createDpopNonces, createMemoryDpopReplayStore } from '@jwks-kit/core';
import { createClock, type TestClock } from '@jwks-kit/test-kit';
import {
  createMemoryRefreshTokenStore,
  createRefreshHandler,
  createRefreshTokenService,
  createTokenEndpointDpop,
  DpopTokenRequestError,
  sendSessionGrant,
  type TokenEndpointDpopOptions,
} from '../../src/sessions.js';
import { createJoseDpopClient, type JoseDpopClient } from './dpop-proof-fixtures.js';
import { createTestDenylist, createTestSigner } from './refresh-fixtures.js';

const URL_ = 'https://auth.example.com/token';

async function refusal(promise: Promise<unknown>): Promise<DpopTokenRequestError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DpopTokenRequestError);
  return error as DpopTokenRequestError;
}

const post = (proof?: string | string[]) => {
  const values = proof === undefined ? [] : Array.isArray(proof) ? proof : [proof];
  return {
    method: 'POST',
    headers: values.length === 0 ? {} : { dpop: values.join(', ') },
    rawHeaders: values.flatMap((value) => ['DPoP', value]),
  };
};

describe('createTokenEndpointDpop (RFC 9449 §5 and §8 at the token endpoint)', () => {
  let clock: TestClock;
  let client: JoseDpopClient;
  let dpop: ReturnType<typeof createTokenEndpointDpop>;
  const build = (overrides: Partial<TokenEndpointDpopOptions> = {}) =>
    createTokenEndpointDpop({ url: URL_, now: clock.now, ...overrides });
  const at = (extra: { url?: string; method?: string; iat?: number; nonce?: string } = {}) => ({
    url: URL_,
    iat: clock.nowSeconds(),
    ...extra,
  });

  beforeAll(async () => {
    client = await createJoseDpopClient('ES256');
  });
  beforeEach(() => {
    clock = createClock(Date.now());
    dpop = build();
  });

  it('answers the proof key thumbprint (as jose computes it) for ES256 and EdDSA proofs, none without a proof', async () => {
    expect(await dpop.check(post(await client.proof(at())))).toBe(client.jkt);
    const ed = await createJoseDpopClient('EdDSA');
    expect(await dpop.check(post(await ed.proof(at())))).toBe(ed.jkt);
    expect(await dpop.check(post())).toBeUndefined();
    expect(dpop.responseHeaders()).toEqual({});
    expect(dpop.algorithms).toEqual(['ES256', 'EdDSA']);
  });

  it('takes no ath at the token endpoint: a proof carrying one is judged on the other rules only', async () => {
    expect(await dpop.check(post(await client.proof(at(), { claims: { ath: 'anything' } })))).toBe(client.jkt);
  });

  it('refuses the second use of a proof (replay), also on another endpoint object sharing the store', async () => {
    const replayStore = createMemoryDpopReplayStore();
    const [a, b] = [build({ replayStore }), build({ replayStore })];
    const proof = await client.proof(at());
    expect(await a.check(post(proof))).toBe(client.jkt);
    const replayed = await refusal(a.check(post(proof)));
    expect(replayed).toMatchObject({ code: 'ERR_DPOP_PROOF_REPLAYED', status: 400, error: 'invalid_dpop_proof' });
    expect((await refusal(b.check(post(proof)))).code).toBe('ERR_DPOP_PROOF_REPLAYED');
    // the same jti under another key is another proof
    const other = await createJoseDpopClient('ES256');
    expect(await a.check(post(await other.proof(at(), { jti: 'shared-jti' })))).toBe(other.jkt);
    expect(await a.check(post(await client.proof(at(), { jti: 'shared-jti' })))).toBe(client.jkt);
  });

  it('refuses crafted proofs: other path, other host, other scheme, query, method, old or future iat, typ, swapped or private jwk, bad signature, alg none, no jti', async () => {
    const other = await createJoseDpopClient('ES256');
    const cases: [string, Promise<string>][] = [
      ['htu', client.proof(at({ url: 'https://auth.example.com/refresh' }))],
      ['htu', client.proof(at({ url: 'https://evil.example.com/token' }))],
      ['htu', client.proof(at({ url: 'http://auth.example.com/token' }))],
      ['htu', client.proof(at({ url: `${URL_}?x=1` }))],
      ['htm', client.proof(at({ method: 'GET' }))],
      ['iat', client.proof(at({ iat: clock.nowSeconds() - 66 }))],
      ['iat', client.proof(at({ iat: clock.nowSeconds() + 66 }))],
      ['typ', client.proof(at(), { header: { typ: 'jwt' } })],
      ['signature', client.proof(at(), { header: { jwk: other.jwk } })],
      ['jwk', client.proof(at(), { header: { jwk: { ...client.jwk, d: 'AAAA' } } })],
      ['jti', client.proof(at(), { claims: { jti: '' } })],
    ];
    for (const [reason, proof] of cases) {
      const error = await refusal(dpop.check(post(await proof)));
      expect(error).toMatchObject({ code: 'ERR_DPOP_PROOF_INVALID', status: 400, error: 'invalid_dpop_proof' });
      expect(error.reason).toBe(reason);
    }
    const [h, p] = (await client.proof(at())).split('.');
    const forged = `${h}.${p}.${Buffer.alloc(64).toString('base64url')}`;
    expect((await refusal(dpop.check(post(forged)))).reason).toBe('signature');
    const unsigned = `${Buffer.from(JSON.stringify({ typ: 'dpop+jwt', alg: 'none', jwk: client.jwk })).toString('base64url')}.${p}.`;
    expect((await refusal(dpop.check(post(unsigned)))).code).toBe('ERR_DPOP_PROOF_INVALID');
    expect((await refusal(dpop.check(post('not-a-jws')))).reason).toBe('syntax');
    // within the window plus leeway (60 + 5) it passes
    expect(await dpop.check(post(await client.proof(at({ iat: clock.nowSeconds() - 64 }))))).toBe(client.jkt);
  });

  it('refuses an algorithm outside `algorithms`, and two DPoP headers', async () => {
    const edOnly = build({ algorithms: ['EdDSA'] });
    expect((await refusal(edOnly.check(post(await client.proof(at()))))).reason).toBe('alg');
    const [one, two] = [await client.proof(at()), await client.proof(at())];
    const repeated = await refusal(dpop.check(post([one, two])));
    expect(repeated).toMatchObject({ code: 'ERR_DPOP_PROOF_INVALID', reason: 'repeated' });
    // neither proof was used up by the refused request
    expect(await dpop.check(post(one))).toBe(client.jkt);
  });

  it('with `required`, a request without a proof is 400 invalid_request', async () => {
    const strict = build({ required: true });
    expect(await refusal(strict.check(post()))).toMatchObject({
      code: 'ERR_DPOP_PROOF_REQUIRED',
      status: 400,
      error: 'invalid_request',
    });
  });

  it('with nonces: no nonce or a stale one → use_dpop_nonce with a DPoP-Nonce; the nonce of one replica works on another', async () => {
    const secret = randomBytes(32);
    const [a, b] = [
      build({ nonces: createDpopNonces({ secret, windowSeconds: 60 }) }),
      build({ nonces: createDpopNonces({ secret, windowSeconds: 60 }) }),
    ];
    const missing = await refusal(a.check(post(await client.proof(at()))));
    expect(missing).toMatchObject({ code: 'ERR_DPOP_NONCE_REQUIRED', status: 400, error: 'use_dpop_nonce' });
    const nonce = missing.headers['DPoP-Nonce'];
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.responseHeaders()).toEqual({ 'DPoP-Nonce': nonce });
    expect(await b.check(post(await client.proof(at({ nonce }))))).toBe(client.jkt);
    const foreign = build({ nonces: createDpopNonces({ secret: randomBytes(32) }) });
    expect((await refusal(foreign.check(post(await client.proof(at({ nonce })))))).code).toBe(
      'ERR_DPOP_NONCE_REQUIRED',
    );
    clock.advance(60_000); // the previous window is still accepted
    expect(await a.check(post(await client.proof(at({ nonce }))))).toBe(client.jkt);
    clock.advance(60_000);
    const stale = await refusal(a.check(post(await client.proof(at({ nonce })))));
    expect(stale.code).toBe('ERR_DPOP_NONCE_REQUIRED');
    expect(stale.headers['DPoP-Nonce']).not.toBe(nonce);
  });

  it('in real time: a nonce from a 1 s window is refused once two windows have passed', async () => {
    const nonces = createDpopNonces({ secret: randomBytes(32), windowSeconds: 1 });
    const live = createTokenEndpointDpop({ url: URL_, nonces });
    const nonce = live.responseHeaders()['DPoP-Nonce'];
    const nowS = () => Math.floor(Date.now() / 1000);
    expect(await live.check(post(await client.proof({ url: URL_, iat: nowS(), nonce })))).toBe(client.jkt);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const stale = await refusal(live.check(post(await client.proof({ url: URL_, iat: nowS(), nonce }))));
    expect(stale.code).toBe('ERR_DPOP_NONCE_REQUIRED');
  });

  it('answers 503 with Retry-After when the replay store rejects (fail closed): the proof is not accepted', async () => {
    const full = createMemoryDpopReplayStore({ maxEntries: 1 });
    const guarded = build({ replayStore: full });
    expect(await guarded.check(post(await client.proof(at())))).toBe(client.jkt);
    const error = await refusal(guarded.check(post(await client.proof(at()))));
    expect(error).toMatchObject({ code: 'ERR_DPOP_REPLAY_STORE_UNAVAILABLE', status: 503, reason: 'store' });
    expect(error.headers['Retry-After']).toBe('1');
  });

  it('validates its options with a TypeError naming them', () => {
    expect(() => createTokenEndpointDpop({ url: '/token' })).toThrow('option `url`');
    expect(() => createTokenEndpointDpop({ url: URL_, algorithms: ['HS256'] })).toThrow('option `algorithms`');
    expect(() => createTokenEndpointDpop({ url: URL_, iatWindowSeconds: 0 })).toThrow('option `iatWindowSeconds`');
    expect(() => createTokenEndpointDpop({ url: URL_, leewaySeconds: -1 })).toThrow('option `leewaySeconds`');
    expect(() => createTokenEndpointDpop({ url: URL_, replayStore: {} as never })).toThrow('option `replayStore`');
    expect(() => createTokenEndpointDpop({ url: URL_, nonces: {} as never })).toThrow('option `nonces`');
    expect(() => createTokenEndpointDpop({ url: URL_, required: 'yes' as never })).toThrow('option `required`');
  });
});

describe('createRefreshHandler with `dpop` (refresh_token grant bound to a key)', () => {
  const secret = randomBytes(32);
  async function createTokenApp(nonces = false) {
    const clock = createClock(Date.now());
    const signer = await createTestSigner(clock);
    const service = createRefreshTokenService({
      store: createMemoryRefreshTokenStore(),
      signAccessToken: signer.sign,
      denylist: createTestDenylist(clock),
      now: clock.now,
    });
    const dpop = createTokenEndpointDpop({
      url: URL_,
      now: clock.now,
      ...(nonces ? { nonces: createDpopNonces({ secret }) } : {}),
    });
    const app = express();
    app.post('/token', express.urlencoded({ extended: false }), async (req, res, next) => {
      if (req.body.grant_type === 'refresh_token') return next();
      const jkt = await dpop.check(req);
      sendSessionGrant(res, await service.start({ sub: 'alice', ...(jkt ? { jkt } : {}) }), {
        mode: 'json',
        refreshPath: '/',
        secure: true,
        nowMs: clock.now(),
      });
    });
    app.post('/token', createRefreshHandler(service, { refreshPath: '/', secure: true, now: clock.now, dpop }));
    const proofFor = (client: JoseDpopClient, nonce?: string) =>
      client.proof({ url: URL_, iat: clock.nowSeconds(), ...(nonce ? { nonce } : {}) });
    const refresh = (token: string, proof?: string) => {
      const req = request(app).post('/token').type('form');
      if (proof) req.set('DPoP', proof);
      return req.send({ grant_type: 'refresh_token', refresh_token: token });
    };
    return { app, clock, signer, proofFor, refresh, dpop };
  }

  it('rotates a bound family with a proof of its key: token_type DPoP, cnf.jkt, family refused without a proof or with another key', async () => {
    const { app, signer, proofFor, refresh } = await createTokenApp();
    const client = await createJoseDpopClient();
    const login = await request(app)
      .post('/token')
      .type('form')
      .set('DPoP', await proofFor(client))
      .send({ grant_type: 'password' });
    expect(login.body.token_type).toBe('DPoP');
    expect((await signer.verify(login.body.access_token)).cnf).toEqual({ jkt: client.jkt });

    const noProof = await refresh(login.body.refresh_token);
    expect(noProof.status).toBe(400);
    expect(noProof.body).toMatchObject({ error: 'invalid_grant', code: 'dpop_proof_required' });
    const thief = await createJoseDpopClient();
    const otherKey = await refresh(login.body.refresh_token, await proofFor(thief));
    expect(otherKey.status).toBe(400);
    expect(otherKey.body).toMatchObject({ error: 'invalid_grant', code: 'dpop_key_mismatch' });
    expect(otherKey.headers['set-cookie']).toBeUndefined();

    // the family is intact: the same refresh token rotates once for its key
    const rotated = await refresh(login.body.refresh_token, await proofFor(client));
    expect(rotated.status).toBe(200);
    expect(rotated.body.token_type).toBe('DPoP');
    expect((await signer.verify(rotated.body.access_token)).cnf).toEqual({ jkt: client.jkt });
    expect(rotated.headers['cache-control']).toBe('no-store');
  });

  it('refuses a replayed proof at the token endpoint and a proof for an unbound family', async () => {
    const { app, proofFor, refresh } = await createTokenApp();
    const client = await createJoseDpopClient();
    const proof = await proofFor(client);
    const login = await request(app).post('/token').type('form').set('DPoP', proof).send({ grant_type: 'password' });
    const replayed = await refresh(login.body.refresh_token, proof);
    expect(replayed.status).toBe(400);
    expect(replayed.body).toMatchObject({ error: 'invalid_dpop_proof', code: 'dpop_proof_replayed' });

    const bearer = await request(app).post('/token').type('form').send({ grant_type: 'password' });
    expect(bearer.body.token_type).toBe('Bearer');
    const upgraded = await refresh(bearer.body.refresh_token, await proofFor(client));
    expect(upgraded.status).toBe(400);
    expect(upgraded.body).toMatchObject({ error: 'invalid_grant', code: 'refresh_token_not_dpop_bound' });
    const plain = await refresh(bearer.body.refresh_token);
    expect(plain.status).toBe(200);
    expect(plain.body.token_type).toBe('Bearer');
  });

  it('with nonces: 400 use_dpop_nonce and a DPoP-Nonce header, then the retry with it succeeds and carries a DPoP-Nonce', async () => {
    const { app, proofFor, refresh, dpop } = await createTokenApp(true);
    const client = await createJoseDpopClient();
    const login = await request(app)
      .post('/token')
      .type('form')
      .set('DPoP', await proofFor(client, dpop.responseHeaders()['DPoP-Nonce']))
      .send({ grant_type: 'password' });
    const challenged = await refresh(login.body.refresh_token, await proofFor(client));
    expect(challenged.status).toBe(400);
    expect(challenged.body).toMatchObject({ error: 'use_dpop_nonce' });
    const nonce = challenged.headers['dpop-nonce'] as string;
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const stale = await refresh(login.body.refresh_token, await proofFor(client, 'not-the-nonce'));
    expect(stale.body.error).toBe('use_dpop_nonce');
    const retried = await refresh(login.body.refresh_token, await proofFor(client, nonce));
    expect(retried.status).toBe(200);
    expect(retried.headers['dpop-nonce']).toBe(nonce);
  });
});
