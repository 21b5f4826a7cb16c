import request from 'supertest';
import { createMemoryDenylist } from '@jwks-kit/denylist';
import { createKeyRing, createMemoryKeyStore } from '@jwks-kit/issuer';
import { createMemoryRefreshTokenStore, type IssuerLogger } from '@jwks-kit/issuer/sessions';
import { startMetrics } from '../../shared/src/metrics.js';
import { createApp } from '../src/create-app.js';
import { createUserDirectory, DEMO_USERS } from '../src/users.js';

const ISSUER = 'http://127.0.0.1:4000';

function memoryLogger(): IssuerLogger & { lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (fields: object, message: string) =>
    void lines.push(`${level} ${message} ${JSON.stringify(fields)}`);
  return { lines, error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}

function sample(text: string, name: string, labels = ''): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

it('the auth service counts signed tokens by kid, refresh outcomes and key transitions on /metrics, and logs reuse', async () => {
  const metricsHandler = startMetrics(); // the SDK before the key ring and signer
  await new Promise((resolve) => setTimeout(resolve, 10)); // @opentelemetry/api loads asynchronously
  const logger = memoryLogger();
  const keyRing = await createKeyRing({
    store: createMemoryKeyStore(),
    maxJwksCacheAgeMs: 60_000,
    maxTokenLifetimeSeconds: 600,
    logger,
  });
  const app = createApp({
    issuerUrl: ISSUER,
    keyRing,
    users: await createUserDirectory(DEMO_USERS),
    denylist: createMemoryDenylist({ issuer: ISSUER }),
    refreshStore: createMemoryRefreshTokenStore(),
    allowedOrigins: [ISSUER],
    ordersPort: 4001,
    profilePort: 4002,
    refreshGraceMs: 0,
    metricsHandler,
    logger,
    log: () => {},
  });
  const [user] = DEMO_USERS;
  const login = await request(app)
    .post('/token')
    .type('form')
    .send({ grant_type: 'password', username: user!.username, password: user!.password })
    .expect(200);
  const first = login.body.refresh_token as string;
  const refresh = (token: string) =>
    request(app).post('/token').type('form').send({ grant_type: 'refresh_token', refresh_token: token });
  expect((await refresh(first)).status).toBe(200);
  expect((await refresh(first)).status).toBe(401); // reuse of a rotated token: theft alarm
  const text = (await request(app).get('/metrics').expect(200)).text;
  const kid = keyRing.signingKey().kid;
  // login, refresh, and the reuse attempt (the service signs before the store answers "reused")
  expect(sample(text, 'jwks_kit_issuer_tokens_signed_total', `jwks_kit_kid="${kid}"`)).toBe(3);
  expect(sample(text, 'jwks_kit_issuer_refresh_outcomes_total', 'jwks_kit_outcome="rotated"')).toBe(1);
  expect(sample(text, 'jwks_kit_issuer_refresh_outcomes_total', 'jwks_kit_outcome="reused"')).toBe(1);
  expect(sample(text, 'jwks_kit_issuer_key_ring_transitions_total', 'jwks_kit_to="active"')).toBeGreaterThanOrEqual(1);
  expect(text).not.toContain(first);
  expect(text).not.toContain(login.body.access_token as string);
  expect(logger.lines.some((line) => line.startsWith('warn refresh token reuse detected'))).toBe(true);
  expect(logger.lines.some((line) => line.startsWith(`info signing key none → active {"kid":"${kid}"`))).toBe(true);
});
