import express from 'express';
import request from 'supertest';
import { protectedResourceMetadataHandler, protectedResourceMetadataUrl, requireAuth } from '../src/index.js';

const RESOURCE = 'http://127.0.0.1:4200/orders';

describe('protectedResourceMetadataUrl (RFC 9728 §3.1)', () => {
  it.each([
    ['https://api.example.com', 'https://api.example.com/.well-known/oauth-protected-resource'],
    ['https://api.example.com/', 'https://api.example.com/.well-known/oauth-protected-resource'],
    ['https://api.example.com/orders', 'https://api.example.com/.well-known/oauth-protected-resource/orders'],
    ['http://127.0.0.1:4200/a/b', 'http://127.0.0.1:4200/.well-known/oauth-protected-resource/a/b'],
  ])('puts the well-known path between host and path: %s', (resource, expected) => {
    expect(protectedResourceMetadataUrl(resource)).toBe(expected);
  });

  it.each(['http://api.example.com', 'https://api.example.com/?q=1', 'https://api.example.com/#x', 'not a url'])(
    'refuses %s (http off loopback, query, fragment, not a URL)',
    (resource) => {
      expect(() => protectedResourceMetadataUrl(resource)).toThrow(TypeError);
    },
  );
});

describe('protectedResourceMetadataHandler', () => {
  const app = express();
  app.get(
    new URL(protectedResourceMetadataUrl(RESOURCE)).pathname,
    protectedResourceMetadataHandler({
      resource: RESOURCE,
      authorizationServers: ['http://127.0.0.1:4100'],
      scopesSupported: ['orders:read', 'orders:write'],
      dpopSigningAlgValuesSupported: ['ES256', 'EdDSA'],
      resourceName: 'Orders',
    }),
  );

  it('serves the metadata as JSON, cacheable, with the resource exactly as configured', async () => {
    const res = await request(app).get('/.well-known/oauth-protected-resource/orders');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['cache-control']).toBe('public, max-age=3600');
    expect(res.body).toEqual({
      resource: RESOURCE,
      authorization_servers: ['http://127.0.0.1:4100'],
      scopes_supported: ['orders:read', 'orders:write'],
      bearer_methods_supported: ['header'],
      dpop_signing_alg_values_supported: ['ES256', 'EdDSA'],
      resource_name: 'Orders',
    });
  });

  it.each([
    [{ resource: 'ftp://x', authorizationServers: ['https://as.example'] }, /resource/],
    [{ resource: RESOURCE, authorizationServers: [] }, /authorizationServers/],
    [{ resource: RESOURCE, authorizationServers: ['http://evil.example'] }, /authorizationServers\[0\]/],
    [
      { resource: RESOURCE, authorizationServers: ['https://as.example'], bearerMethodsSupported: ['cookie'] },
      /bearer/,
    ],
    [{ resource: RESOURCE, authorizationServers: ['https://as.example'], maxAgeSeconds: -1 }, /maxAgeSeconds/],
  ])('refuses bad options at creation: %o', (options, message) => {
    expect(() => protectedResourceMetadataHandler(options as never)).toThrow(message);
  });
});

describe('requireAuth({ resourceMetadataUrl })', () => {
  it('refuses a resourceMetadataUrl that is not https (or loopback http)', () => {
    expect(() =>
      requireAuth({
        issuer: 'https://a',
        audience: 'x',
        jwksUri: 'https://a/jwks',
        resourceMetadataUrl: 'http://x.example/m',
      }),
    ).toThrow(/resourceMetadataUrl/);
  });
});
