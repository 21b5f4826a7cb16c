import { createMockIssuer, type MockIssuer } from '@jwks-kit/testing';
import { freePort } from '@jwks-kit/test-kit';
import { AUDIENCES } from '@jwks-kit/examples/shared/audiences';
import { startService, type ServiceProcess } from './support/start-service.js';

/** The orders service as a real process, trusting `issuerUrl`, with short JWKS bounds (real time). */
async function startOrders(
  issuerUrl: string,
  env: Record<string, string> = {},
): Promise<ServiceProcess & { url: string }> {
  const port = await freePort();
  const service = startService('orders-service/src/server.ts', {
    ORDERS_PORT: String(port),
    ISSUER_URL: issuerUrl,
    JWKS_MAX_AGE_SECONDS: '1',
    JWKS_MAX_STALE_SECONDS: '2',
    ...env,
  });
  return Object.assign(service, { url: `http://127.0.0.1:${port}` });
}

const services: ServiceProcess[] = [];
let issuer: MockIssuer;

beforeAll(async () => {
  issuer = await createMockIssuer({ audience: AUDIENCES.orders, cacheControl: 'public, max-age=1' });
});
afterEach(async () => {
  await Promise.all(services.splice(0).map((service) => service.stop()));
  issuer.failJwks(null);
});
afterAll(() => issuer.close());

const ordersWith = (url: string, token: string) =>
  fetch(`${url}/orders`, { headers: { authorization: `Bearer ${token}` } });
const readiness = async (url: string) => {
  const res = await fetch(`${url}/readyz`);
  return {
    status: res.status,
    body: (await res.json()) as { status: string; checks: { jwks: { state: string }; denylist?: { state: string } } },
  };
};

async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`not reached in ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

it('a JWKS unreachable at start: the service starts not ready, and answers 503 keys_unavailable', async () => {
  const deadIssuer = `http://127.0.0.1:${await freePort()}`;
  const orders = await startOrders(deadIssuer);
  services.push(orders);
  await orders.waitForAnswer(`${orders.url}/healthz`);
  expect((await fetch(`${orders.url}/healthz`)).status).toBe(200); // alive: do not restart it for the issuer
  const ready = await readiness(orders.url);
  expect(ready.status).toBe(503);
  expect(ready.body).toMatchObject({
    status: 'not_ready',
    checks: { jwks: { state: 'failing' }, denylist: { state: 'ok' } },
  });
  const refused = await ordersWith(orders.url, issuer.sign({ iss: deadIssuer, scope: 'orders:read' }));
  expect(refused.status).toBe(503);
  expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
  expect(await refused.json()).toMatchObject({ code: 'keys_unavailable', error: 'temporarily_unavailable' });
  expect(orders.output.join('\n')).toContain('starting without keys');
});

it('JWKS_REQUIRED_AT_START=true: the service refuses to start when the JWKS cannot be loaded', async () => {
  const orders = await startOrders(`http://127.0.0.1:${await freePort()}`, { JWKS_REQUIRED_AT_START: 'true' });
  services.push(orders);
  expect(await orders.exited).not.toBe(0);
  expect(orders.output.join('\n')).toMatch(/ERR_JWKS_NETWORK/);
});

it('a JWKS outage after start: stale keys keep serving (health stale), then 503 past the staleness bound, then recovery (real time)', async () => {
  const orders = await startOrders(issuer.issuer);
  services.push(orders);
  await orders.waitForAnswer(`${orders.url}/healthz`);
  const token = issuer.sign({ scope: 'orders:read' });
  expect((await ordersWith(orders.url, token)).status).toBe(200);
  expect((await readiness(orders.url)).body.checks.jwks.state).toBe('ok');

  issuer.failJwks(503);
  const stale = await until(
    () => readiness(orders.url),
    (r) => r.body.checks.jwks.state !== 'ok',
  );
  expect(stale).toMatchObject({ status: 200, body: { status: 'ready', checks: { jwks: { state: 'stale' } } } });
  expect((await ordersWith(orders.url, token)).status).toBe(200); // the last good keys still serve

  // cache age 1 s + JWKS_MAX_STALE_SECONDS 2 s after the last good fetch: no key is served
  const gone = await until(
    () => ordersWith(orders.url, token),
    (res) => res.status !== 200,
  );
  expect(gone.status).toBe(503);
  expect(await gone.json()).toMatchObject({ code: 'keys_unavailable' });
  expect(await readiness(orders.url)).toMatchObject({ status: 503, body: { checks: { jwks: { state: 'failing' } } } });

  issuer.failJwks(null);
  await until(
    () => ordersWith(orders.url, token),
    (res) => res.status === 200,
  );
  expect((await readiness(orders.url)).status).toBe(200);
});

/** The value of one Prometheus sample (`name{labels} value`), 0 when absent. */
function sample(text: string, name: string, labels: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

it('/metrics (Prometheus text from the OpenTelemetry SDK) moves with the requests, and never shows a token', async () => {
  const orders = await startOrders(issuer.issuer, { JWKS_MAX_STALE_SECONDS: '600' });
  services.push(orders);
  await orders.waitForAnswer(`${orders.url}/healthz`);
  const scrape = async () => {
    const res = await fetch(`${orders.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    return res.text();
  };
  const ok = 'jwks_kit_outcome="ok"';
  const expired = 'jwks_kit_outcome="token_expired"';
  const before = await scrape();
  const token = issuer.sign({ scope: 'orders:read' });
  for (let i = 0; i < 3; i++) expect((await ordersWith(orders.url, token)).status).toBe(200);
  const old = issuer.reject.expired({ scope: 'orders:read' });
  for (let i = 0; i < 2; i++) expect((await ordersWith(orders.url, old)).status).toBe(401);
  const after = await scrape();
  const verifications = 'jwks_kit_verifier_verifications_total';
  expect(sample(after, verifications, ok) - sample(before, verifications, ok)).toBe(3);
  expect(sample(after, verifications, expired) - sample(before, verifications, expired)).toBe(2);
  expect(sample(after, 'jwks_kit_verifier_verification_duration_count', ok)).toBeGreaterThanOrEqual(3);
  expect(sample(after, 'jwks_kit_verifier_token_cache_hits_total', '')).toBeGreaterThanOrEqual(1);
  expect(sample(after, 'jwks_kit_verifier_jwks_fetches_total', 'jwks_kit_outcome="200"')).toBeGreaterThanOrEqual(1);
  expect(after).toMatch(/^jwks_kit_verifier_jwks_key_age\{/m);
  expect(sample(after, 'jwks_kit_denylist_checks_total', 'jwks_kit_outcome="not_revoked"')).toBeGreaterThanOrEqual(3);
  for (const secret of [token, old, token.split('.')[1] as string]) expect(after).not.toContain(secret);
});
