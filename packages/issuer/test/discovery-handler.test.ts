import express from 'express';
import request from 'supertest';
import { discoveryHandler, type DiscoveryHandlerOptions } from '../src/index.js';

const PATH = '/.well-known/openid-configuration';
const base = { issuer: 'https://auth.example.com', jwksUri: 'https://auth.example.com/.well-known/jwks.json' };

describe('discoveryHandler', () => {
  it('serves RFC 8414 metadata with the issuer, jwks_uri, token endpoint and RS256', async () => {
    const app = express().get(
      PATH,
      discoveryHandler({
        ...base,
        tokenEndpoint: 'https://auth.example.com/token',
        grantTypesSupported: ['password', 'refresh_token'],
      }),
    );
    const res = await request(app).get(PATH).expect(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers['cache-control']).toBe('public, max-age=3600');
    expect(res.body).toEqual({
      issuer: 'https://auth.example.com',
      jwks_uri: 'https://auth.example.com/.well-known/jwks.json',
      token_endpoint: 'https://auth.example.com/token',
      grant_types_supported: ['password', 'refresh_token'],
      response_types_supported: [],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_signing_alg_values_supported: ['RS256'],
    });
  });

  it('advertises the configured signing algorithms and refuses none, HS256 or an empty list', async () => {
    const app = express().get(PATH, discoveryHandler({ ...base, signingAlgorithms: ['ES256', 'RS256'] }));
    const res = await request(app).get(PATH).expect(200);
    expect(res.body.id_token_signing_alg_values_supported).toEqual(['ES256', 'RS256']);
    for (const signingAlgorithms of [[], ['none'], ['HS256'], ['ES256', 'HS256']]) {
      expect(() => discoveryHandler({ ...base, signingAlgorithms } as unknown as DiscoveryHandlerOptions)).toThrow(
        /option `signingAlgorithms` must be a non-empty list/,
      );
    }
  });

  it('omits the token endpoint when none is configured and accepts http on loopback', async () => {
    const app = express().get(
      PATH,
      discoveryHandler({
        issuer: 'http://localhost:4000',
        jwksUri: 'http://localhost:4000/.well-known/jwks.json',
        maxAgeSeconds: 60,
      }),
    );
    const res = await request(app).get(PATH).expect(200);
    expect(res.body).not.toHaveProperty('token_endpoint');
    expect(res.body.issuer).toBe('http://localhost:4000');
    expect(res.headers['cache-control']).toBe('public, max-age=60');
  });

  it.each<[string, Partial<DiscoveryHandlerOptions>]>([
    ['issuer', { issuer: 'not a url' }],
    ['issuer', { issuer: 'http://auth.example.com' }],
    ['issuer', { issuer: 'https://auth.example.com/?tenant=1' }],
    ['issuer', { issuer: 'https://auth.example.com/#x' }],
    ['jwksUri', { jwksUri: '/.well-known/jwks.json' }],
    ['tokenEndpoint', { tokenEndpoint: 'ftp://auth.example.com/token' }],
    ['scopesSupported', { scopesSupported: [''] }],
    ['maxAgeSeconds', { maxAgeSeconds: -1 }],
  ])('rejects a bad %s with a TypeError naming it', (name, bad) => {
    expect(() => discoveryHandler({ ...base, ...bad })).toThrow(TypeError);
    expect(() => discoveryHandler({ ...base, ...bad })).toThrow(`option \`${name}\``);
  });

  it('advertises dpop_signing_alg_values_supported (RFC 9449 §5.1) only when configured, asymmetric algorithms only', async () => {
    const token = { ...base, tokenEndpoint: 'https://auth.example.com/token' };
    const app = express().get(PATH, discoveryHandler({ ...token, dpopSigningAlgorithms: ['ES256', 'EdDSA', 'ES256'] }));
    expect((await request(app).get(PATH).expect(200)).body.dpop_signing_alg_values_supported).toEqual([
      'ES256',
      'EdDSA',
    ]);
    const plain = express().get(PATH, discoveryHandler(token));
    expect((await request(plain).get(PATH).expect(200)).body).not.toHaveProperty('dpop_signing_alg_values_supported');
    for (const dpopSigningAlgorithms of [[], ['none'], ['HS256'], ['ES256', 'HS256'], 'ES256'])
      expect(() => discoveryHandler({ ...token, dpopSigningAlgorithms } as unknown as DiscoveryHandlerOptions)).toThrow(
        /option `dpopSigningAlgorithms` must/,
      );
    expect(() => discoveryHandler({ ...base, dpopSigningAlgorithms: ['ES256'] })).toThrow(
      /needs option `tokenEndpoint`/,
    );
  });
});
