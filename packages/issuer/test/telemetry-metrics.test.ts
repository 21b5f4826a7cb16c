import { startTestMetrics } from '@jwks-kit/test-kit/metrics';
import { RefreshTokenError } from '../src/sessions.js';
import { startSigningStack } from './support/signing-stack.js';

// Registered before the issuer records anything: it resolves its meter once per process.
const metrics = startTestMetrics();
afterAll(() => metrics.stop());

const ISSUER = 'https://auth.metrics.example';

const setup = () => startSigningStack({ issuer: ISSUER, service: { graceMs: 10_000, absoluteLifetimeMs: 3_600_000 } });

it('counts tokens signed by kid and key-ring transitions (from → to)', async () => {
  const { keyRing, signer } = await setup();
  const first = keyRing.signingKey().kid;
  const transitions = (to: string, kid: string) =>
    metrics.total('jwks_kit.issuer.key_ring.transitions', { 'jwks_kit.kid': kid, 'jwks_kit.to': to });
  expect(await transitions('active', first)).toBe(1);
  await signer.sign({ sub: 'alice' });
  await signer.sign({ sub: 'bob' });
  expect(await metrics.total('jwks_kit.issuer.tokens.signed', { 'jwks_kit.kid': first })).toBe(2);

  await keyRing.rotate({ force: true });
  const second = keyRing.signingKey().kid;
  expect(second).not.toBe(first);
  expect(await transitions('active', second)).toBe(1);
  expect(await transitions('retired', first)).toBe(1);
  await signer.sign({ sub: 'alice' });
  expect(await metrics.total('jwks_kit.issuer.tokens.signed', { 'jwks_kit.kid': second })).toBe(1);
  // attributes: the kid and the states only (no subject)
  const points = await metrics.points('jwks_kit.issuer.tokens.signed');
  for (const point of points) expect(Object.keys(point.attributes)).toEqual(['jwks_kit.kid']);
});

it('counts refresh outcomes: rotated, replayed in the grace window, reused (theft), expired', async () => {
  const { service, clock } = await setup();
  const outcome = (value: string) => metrics.total('jwks_kit.issuer.refresh.outcomes', { 'jwks_kit.outcome': value });
  const grant = await service.start({ sub: 'alice' });
  await service.rotate(grant.refreshToken);
  expect(await outcome('rotated')).toBe(1);
  await service.rotate(grant.refreshToken); // a concurrent presentation inside the grace window
  expect(await outcome('replayed')).toBe(1);
  clock.advance(60_000);
  await expect(service.rotate(grant.refreshToken)).rejects.toBeInstanceOf(RefreshTokenError);
  expect(await outcome('reused')).toBe(1);

  const later = await service.start({ sub: 'bob' });
  clock.advance(3_600_001);
  await expect(service.rotate(later.refreshToken)).rejects.toBeInstanceOf(RefreshTokenError);
  expect(await outcome('expired')).toBe(1);
  expect(await outcome('rotated')).toBe(1);
});
