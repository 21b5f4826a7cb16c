import { SpanStatusCode, trace } from '@opentelemetry/api';
import express from 'express';
import supertest from 'supertest';
import { createClock, createTestKeyPair, type TestKeyPair } from '@jwks-kit/test-kit';
import { leakedSecrets, startTestTracing } from '@jwks-kit/test-kit/tracing';
import { authErrorHandler, createRemoteKeySet, requireAuth, type RequireAuthHandler } from '../src/index.js';
import { accessToken, AUDIENCE, ISSUER } from './lib/craft-token.js';
import { startJwksServer, type JwksServer } from './remote-key-set-server.js';

// Registered before the verifier records anything, as an application registers its SDK first.
const tracing = startTestTracing();

const SUBJECT = 'subject-whose-id-must-stay-out-of-spans';
const CLIENT = 'client-id-that-must-stay-out-of-spans';
const SCOPE = 'orders:read-the-private-scope';

let pair: TestKeyPair;
let server: JwksServer;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  pair = await createTestKeyPair();
  server = await startJwksServer([pair.publicJwk]);
});
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});
afterAll(async () => {
  await server.close();
  await tracing.stop();
});
beforeEach(() => tracing.reset());

/** A valid token at the real time (the key cache runs on real time), with claim values a leak would show. */
const tokenOf = (overrides: Record<string, unknown> = {}) =>
  accessToken(pair, createClock(Date.now()), {
    claims: { sub: SUBJECT, client_id: CLIENT, scope: SCOPE, ...overrides },
  });

/** Everything a leaking span could carry: tokens, claim values, the key's public and private members. */
const secretsOf = (tokens: string[]) => [
  ...tokens,
  SUBJECT,
  CLIENT,
  SCOPE,
  ...['n', 'd', 'p', 'q', 'dp', 'dq', 'qi'].map((member) => String(pair.privateJwk[member as 'n'])),
];

/** An app whose first middleware opens an active `http.server` span per request, as HTTP instrumentation does. */
function appWith(authenticate: RequireAuthHandler) {
  closers.push(() => authenticate.close());
  const tracer = trace.getTracer('test-http');
  const app = express();
  app.use((_req, res, next) => {
    tracer.startActiveSpan('http.server', (span) => {
      res.on('finish', () => span.end());
      next();
    });
  });
  app.get('/orders', authenticate, (_req, res) => {
    res.json({ ok: true });
  });
  app.use(authErrorHandler());
  return supertest(app);
}

describe('JWKS fetch spans', () => {
  it('wraps each fetch in `jwks_kit.jwks.fetch` with the JWKS URL and the HTTP outcome, nothing else', async () => {
    const keySet = createRemoteKeySet({ jwksUri: server.url, cooldownMs: 0 });
    closers.push(async () => keySet.close());
    await keySet.ready();
    const spans = tracing.spansNamed('jwks_kit.jwks.fetch');
    expect(spans).toHaveLength(1);
    expect(spans[0]!.attributes).toEqual({ 'jwks_kit.jwks_uri': server.url, 'jwks_kit.outcome': '200' });
    expect(spans[0]!.status.code).toBe(SpanStatusCode.UNSET);
    expect(spans[0]!.instrumentationScope.name).toBe('@jwks-kit/verifier');
    expect(leakedSecrets(tracing.spans(), secretsOf([]))).toEqual([]);
  });

  it('marks a failed fetch with error status and the KeySetError code, without the body it got', async () => {
    const leakyBody = `<html>${SUBJECT}</html>`;
    server.handle((_req, res) => {
      res.statusCode = 500;
      res.end(leakyBody);
    });
    try {
      const keySet = createRemoteKeySet({ jwksUri: server.url, cooldownMs: 0, backoffInitialMs: 1, backoffMaxMs: 1 });
      closers.push(async () => keySet.close());
      const failure = await keySet.ready().then(
        () => undefined,
        (error: { code?: string }) => error,
      );
      expect(failure?.code).toMatch(/^ERR_JWKS_/);
      const [span] = tracing.spansNamed('jwks_kit.jwks.fetch');
      expect(span!.status).toEqual({ code: SpanStatusCode.ERROR, message: failure!.code });
      expect(span!.attributes).toEqual({ 'jwks_kit.jwks_uri': server.url, 'error.type': failure!.code });
      expect(span!.events).toEqual([]);
      expect(leakedSecrets(tracing.spans(), [leakyBody, ...secretsOf([])])).toEqual([]);
    } finally {
      server.handle(undefined);
    }
  });
});

describe('the request path', () => {
  it('adds the outcome to the active span and starts no span of its own by default', async () => {
    const http = appWith(requireAuth({ issuer: ISSUER, audience: AUDIENCE, jwksUri: server.url }));
    const good = tokenOf();
    const expired = tokenOf({ exp: Math.floor(Date.now() / 1000) - 3600, iat: Math.floor(Date.now() / 1000) - 7200 });
    await http.get('/orders').set('authorization', `Bearer ${good}`).expect(200);
    await http.get('/orders').set('authorization', `Bearer ${good}`).expect(200); // a cache hit
    const refused = await http.get('/orders').set('authorization', `Bearer ${expired}`).expect(401);
    expect(refused.body.code).toBe('token_expired');

    const requests = tracing.spansNamed('http.server');
    expect(requests.map((span) => span.attributes)).toEqual([
      { 'jwks_kit.outcome': 'ok' },
      { 'jwks_kit.outcome': 'ok' },
      { 'jwks_kit.outcome': 'token_expired' },
    ]);
    expect(tracing.spansNamed('jwks_kit.verify')).toEqual([]);
    // the one other span is the key set's fetch, inside the first request
    expect(
      tracing
        .spans()
        .map((span) => span.name)
        .sort(),
    ).toEqual(['http.server', 'http.server', 'http.server', 'jwks_kit.jwks.fetch']);
    expect(leakedSecrets(tracing.spans(), secretsOf([good, expired]))).toEqual([]);
  });

  it('starts one `jwks_kit.verify` span per verification, child of the request span, when spanPerRequest asks', async () => {
    const authenticate = requireAuth({ issuer: ISSUER, audience: AUDIENCE, jwksUri: server.url, spanPerRequest: true });
    const http = appWith(authenticate);
    const good = tokenOf();
    const forged = `${good.slice(0, -8)}AAAAAAAA`;
    await http.get('/orders').set('authorization', `Bearer ${good}`).expect(200);
    const refused = await http.get('/orders').set('authorization', `Bearer ${forged}`).expect(401);

    const verifies = tracing.spansNamed('jwks_kit.verify');
    const requests = tracing.spansNamed('http.server');
    expect(verifies).toHaveLength(2);
    expect(verifies.map((span) => span.attributes)).toEqual([
      { 'jwks_kit.outcome': 'ok' },
      { 'jwks_kit.outcome': refused.body.code as string },
    ]);
    expect(refused.body.code).not.toBe('ok');
    for (const [index, span] of verifies.entries()) {
      expect(span.parentSpanContext?.spanId).toBe(requests[index]!.spanContext().spanId);
    }
    expect(requests.map((span) => span.attributes)).toEqual([{}, {}]);
    expect(leakedSecrets(tracing.spans(), secretsOf([good, forged]))).toEqual([]);
  });
});
