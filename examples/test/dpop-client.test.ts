import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import {
  accessTokenHash,
  createDpopNonces,
  decodeCompactJws,
  isDpopProofError,
  jwkThumbprint,
  verifyDpopProof,
  type DpopProofExpectation,
} from '@jwks-kit/core';
import { createDpopClient, type DpopClientAlgorithm } from '../demo/dpop-client.js';

const ALGS: readonly DpopClientAlgorithm[] = ['ES256', 'EdDSA'];
const expectation = (over: Partial<DpopProofExpectation> & Pick<DpopProofExpectation, 'method' | 'url'>) => ({
  algorithms: ALGS,
  nowSeconds: Math.floor(Date.now() / 1000),
  iatWindowSeconds: 60,
  leewaySeconds: 5,
  ...over,
});

describe('the demo DPoP client', () => {
  it.each(ALGS)('%s: its proofs pass core verifyDpopProof, with jkt the thumbprint of its public JWK', (alg) => {
    const client = createDpopClient({ alg });
    expect(client.jkt).toBe(jwkThumbprint(client.publicJwk));
    const token = 'header.payload.signature';
    const proof = client.proof({ method: 'GET', url: 'https://orders.example/orders', accessToken: token });
    const verified = verifyDpopProof(
      proof,
      expectation({ method: 'GET', url: 'https://orders.example/orders', accessToken: token }),
    );
    expect(verified).toMatchObject({ jkt: client.jkt, alg });
    const { header, payload } = decodeCompactJws(proof)!;
    expect(header).toEqual({ typ: 'dpop+jwt', alg, jwk: client.publicJwk });
    // public members only: no `d`
    expect(Object.keys(client.publicJwk).sort()).toEqual(
      alg === 'ES256' ? ['crv', 'kty', 'x', 'y'] : ['crv', 'kty', 'x'],
    );
    expect(payload).toMatchObject({ htm: 'GET', htu: 'https://orders.example/orders', ath: accessTokenHash(token) });
  });

  it('a proof for another method, URL or token is refused by core (the client signs what it was asked for)', () => {
    const client = createDpopClient();
    const proof = client.proof({ method: 'GET', url: 'https://orders.example/orders', accessToken: 'a.b.c' });
    const reasons = [
      { method: 'POST', url: 'https://orders.example/orders', accessToken: 'a.b.c' },
      { method: 'GET', url: 'https://profile.example/me', accessToken: 'a.b.c' },
      { method: 'GET', url: 'https://orders.example/orders', accessToken: 'x.y.z' },
    ].map((over) => {
      try {
        verifyDpopProof(proof, expectation(over));
        return 'accepted';
      } catch (error) {
        return isDpopProofError(error) ? error.reason : String(error);
      }
    });
    expect(reasons).toEqual(['htm', 'htu', 'ath']);
  });

  it('at the token endpoint (no access token) the proof has no ath; query and fragment stay out of htu; every jti is new', () => {
    const client = createDpopClient({ alg: 'EdDSA' });
    const proofs = [1, 2, 3].map(() => client.proof({ method: 'POST', url: 'http://127.0.0.1:4000/token?x=1#f' }));
    for (const proof of proofs) {
      verifyDpopProof(proof, expectation({ method: 'POST', url: 'http://127.0.0.1:4000/token' }));
      const { payload } = decodeCompactJws(proof)!;
      expect(payload).not.toHaveProperty('ath');
      expect(payload.htu).toBe('http://127.0.0.1:4000/token');
    }
    const jtis = proofs.map((proof) => decodeCompactJws(proof)!.payload.jti);
    expect(new Set(jtis).size).toBe(3);
  });

  it('iat is taken from its clock', () => {
    const client = createDpopClient({ now: () => 1_700_000_000_500 });
    const { payload } = decodeCompactJws(client.proof({ method: 'GET', url: 'https://a.example/' }))!;
    expect(payload.iat).toBe(1_700_000_000);
  });

  it('refuses an algorithm it cannot hold a key for', () => {
    expect(() => createDpopClient({ alg: 'RS256' as DpopClientAlgorithm })).toThrow(
      new TypeError("option `alg` must be 'ES256' or 'EdDSA'"),
    );
  });

  describe('over HTTP, against a server that checks proofs with core and may require nonces', () => {
    const nonces = createDpopNonces({ secret: Buffer.alloc(32, 7) });
    let server: Server;
    let origin: string;
    let requireNonce = true;
    let alwaysNewNonce = false;
    let publicOrigin: string | undefined;
    const seen: Array<{ authorization?: string; nonce: unknown }> = [];

    beforeAll(async () => {
      const app = express();
      app.get('/orders', (req, res) => {
        const proof = req.get('dpop') ?? '';
        const token = /^DPoP (.+)$/.exec(req.get('authorization') ?? '')?.[1];
        seen.push({ authorization: req.get('authorization'), nonce: decodeCompactJws(proof)?.payload.nonce });
        const nowSeconds = Math.floor(Date.now() / 1000);
        try {
          if (alwaysNewNonce) throw Object.assign(new Error('nonce'), { code: 'use_dpop_nonce' });
          verifyDpopProof(
            proof,
            expectation({
              method: 'GET',
              url: `${publicOrigin ?? origin}/orders`,
              accessToken: token,
              nonce: requireNonce ? nonces : undefined,
            }),
          );
          res.json({ ok: true });
        } catch (error) {
          const code = (error as { code?: string }).code === 'use_dpop_nonce' ? 'use_dpop_nonce' : 'invalid_dpop_proof';
          res.set('www-authenticate', `DPoP error="${code}", algs="ES256 EdDSA"`);
          if (code === 'use_dpop_nonce') res.set('dpop-nonce', nonces.issue(nowSeconds));
          res.status(401).json({ error: code });
        }
      });
      server = app.listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise((resolve) => server.close(resolve)));
    beforeEach(() => {
      seen.length = 0;
      requireNonce = true;
      alwaysNewNonce = false;
      publicOrigin = undefined;
    });

    it('sends Authorization: DPoP <token>, answers a use_dpop_nonce challenge by retrying once with the nonce, then reuses it', async () => {
      const client = createDpopClient();
      const first = await client.send('GET', `${origin}/orders`, { accessToken: 'a.b.c' });
      expect(first.status).toBe(200);
      expect(seen).toHaveLength(2);
      expect(seen[0]).toEqual({ authorization: 'DPoP a.b.c', nonce: undefined });
      expect(typeof seen[1]!.nonce).toBe('string');
      // the remembered nonce goes into the next proof: one request, no challenge
      expect((await client.send('GET', `${origin}/orders`, { accessToken: 'a.b.c' })).status).toBe(200);
      expect(seen).toHaveLength(3);
      expect(seen[2]!.nonce).toBe(seen[1]!.nonce);
    });

    it('retries only once: a server that keeps asking gets two requests and the client returns its answer', async () => {
      alwaysNewNonce = true;
      const reply = await createDpopClient().send('GET', `${origin}/orders`, { accessToken: 'a.b.c' });
      expect(reply.status).toBe(401);
      expect(seen).toHaveLength(2);
    });

    it('viaOrigin sends to another address while htu stays the URL asked for (a replica behind a public origin)', async () => {
      requireNonce = false;
      publicOrigin = 'https://orders.example';
      const client = createDpopClient();
      const reply = await client.send('GET', 'https://orders.example/orders', {
        accessToken: 'a.b.c',
        viaOrigin: origin,
      });
      expect(reply.status).toBe(200);
      // a proof for the address itself is not what this server's public origin expects: refused, and not retried
      const refused = await client.send('GET', `${origin}/orders`, { accessToken: 'a.b.c' });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toContain('invalid_dpop_proof');
      expect(seen).toHaveLength(2);
    });
  });
});
