import express, { type RequestHandler } from 'express';
import supertest from 'supertest';
import { createClock, createTestKeyPair, type TestKeyPair } from '@jwks-kit/test-kit';
import {
  authErrorHandler,
  createLocalKeySet,
  requireAnyScope,
  requireAuth,
  requireClaim,
  requireScopes,
} from '../src/index.js';
import { accessToken, AUDIENCE, ISSUER } from './lib/craft-token.js';

let pair: TestKeyPair;
const clock = createClock();

beforeAll(async () => {
  pair = await createTestKeyPair();
});

const authenticateWith = () =>
  requireAuth({
    issuer: ISSUER,
    audience: AUDIENCE,
    keySet: createLocalKeySet({ keys: [pair.publicJwk] }),
    now: clock.now,
  });

function app(guard: RequestHandler, authenticate = true) {
  const server = express();
  const auth = authenticateWith();
  server.get('/r', ...(authenticate ? [auth] : []), guard, (_req, res) => {
    res.json({ ok: true });
  });
  server.use(authErrorHandler());
  return server;
}

const get = (guard: RequestHandler, scope: string | undefined, authenticate = true) =>
  supertest(app(guard, authenticate))
    .get('/r')
    .set('Authorization', `Bearer ${accessToken(pair, clock, { claims: { scope } })}`);

describe('the scopes of a verified token are read-only', () => {
  it('a handler cannot add, delete or clear a scope, and a scope-less token never gains one from another', async () => {
    const server = express();
    const auth = authenticateWith();
    const attempts: string[] = [];
    server.get('/tamper', auth, (req, res) => {
      const scopes = req.auth!.scopes as Set<string>;
      for (const tamper of [() => scopes.add('admin'), () => scopes.delete('orders:read'), () => scopes.clear()]) {
        try {
          tamper();
          attempts.push('changed');
        } catch (error) {
          attempts.push((error as Error).name);
        }
      }
      // Even past the guard, the set is the token's own: another token does not see it.
      Set.prototype.add.call(scopes, 'admin');
      res.json({ ok: true });
    });
    server.get('/admin', auth, requireScopes('admin'), (_req, res) => {
      res.json({ ok: true });
    });
    server.use(authErrorHandler());
    const tamperer = accessToken(pair, clock, { claims: { scope: undefined } });
    const other = accessToken(pair, clock, { claims: { scope: undefined } });
    await supertest(server).get('/tamper').set('Authorization', `Bearer ${tamperer}`).expect(200);
    expect(attempts).toEqual(['TypeError', 'TypeError', 'TypeError']);
    await supertest(server).get('/admin').set('Authorization', `Bearer ${other}`).expect(403);
    const scoped = accessToken(pair, clock, { claims: { scope: 'orders:read' } });
    attempts.length = 0;
    await supertest(server).get('/tamper').set('Authorization', `Bearer ${scoped}`).expect(200);
    expect(attempts).toEqual(['TypeError', 'TypeError', 'TypeError']);
  });
});

describe('requireScopes', () => {
  it('passes when every scope is granted', async () => {
    await get(requireScopes(['orders:read', 'profile:read']), 'profile:read orders:read extra').expect(200);
    await get(requireScopes('orders:read'), 'orders:read').expect(200);
  });

  it('answers 403 insufficient_scope naming the needed scopes', async () => {
    for (const scope of ['orders:read', undefined, '', 'orders:readwrite', 'ORDERS:WRITE']) {
      const res = await get(requireScopes(['orders:read', 'orders:write']), scope).expect(403);
      expect(res.headers['www-authenticate']).toBe(
        'Bearer realm="api", error="insufficient_scope", error_description="The access token lacks a required scope", scope="orders:read orders:write"',
      );
      expect(res.body).toEqual({
        error: 'insufficient_scope',
        code: 'insufficient_scope',
        error_description: 'The access token lacks a required scope',
      });
    }
  });

  it('answers 401 when mounted without requireAuth', async () => {
    const res = await get(requireScopes('orders:read'), 'orders:read', false).expect(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
  });

  it('validates scopes and realm at creation', () => {
    for (const bad of [[], '', 'a b', 'a"b', ['ok', 'back\\slash'], [7]])
      expect(() => requireScopes(bad as string[])).toThrow(/requireScopes\(scopes\)/);
    expect(() => requireScopes('a', { realm: 'x"y' })).toThrow(/`realm`/);
  });
});

describe('requireAnyScope', () => {
  it('passes with one of the scopes, else 403 listing them', async () => {
    await get(requireAnyScope(['admin', 'orders:read']), 'orders:read').expect(200);
    const res = await get(requireAnyScope(['admin', 'orders:write']), 'orders:read').expect(403);
    expect(res.headers['www-authenticate']).toContain('scope="admin orders:write"');
  });
});

describe('requireClaim', () => {
  it('passes when the predicate holds, else 403 insufficient_claims; a throwing predicate refuses', async () => {
    await get(
      requireClaim('client_id', (value) => value === 'web'),
      'x',
    ).expect(200);
    const res = await get(
      requireClaim('client_id', (value) => value === 'cli'),
      'x',
    ).expect(403);
    expect(res.body.code).toBe('insufficient_claims');
    expect(res.headers['www-authenticate']).toContain('error="insufficient_scope"');
    await get(
      requireClaim('missing', (value) => (value as string).length > 0),
      'x',
    ).expect(403);
    await get(
      requireClaim('sub', (_value, claims, auth) => claims.sub === 'user-1' && auth.source === 'header'),
      'x',
    ).expect(200);
  });

  it('validates its arguments', () => {
    expect(() => requireClaim('', () => true)).toThrow(/`name`/);
    expect(() => requireClaim('sub', 'yes' as unknown as () => boolean)).toThrow(/`predicate`/);
  });
});
