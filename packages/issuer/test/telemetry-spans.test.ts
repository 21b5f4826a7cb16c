import { SpanStatusCode } from '@opentelemetry/api';
import { leakedSecrets, startTestTracing } from '@jwks-kit/test-kit/tracing';
import { RefreshTokenError } from '../src/sessions.js';
import { startSigningStack } from './support/signing-stack.js';

// Registered before the issuer records anything: it resolves its tracer once per process.
const tracing = startTestTracing();
afterAll(() => tracing.stop());

const ISSUER = 'https://auth.spans.example';
const SUBJECT = 'subject-of-the-span-test';
const CLAIM_VALUE = 'a-claim-value-that-must-stay-private';

const setup = () => startSigningStack({ issuer: ISSUER, claims: { note: CLAIM_VALUE } });

describe('issuer spans (a real tracer provider, in-memory exporter)', () => {
  beforeEach(() => tracing.reset());

  it('wraps each signing in a `jwks_kit.sign` span whose only attribute is the kid', async () => {
    const { signer, keyRing, store } = await setup();
    const signed = await signer.sign({ sub: SUBJECT, claims: { note: CLAIM_VALUE } });
    const spans = tracing.spansNamed('jwks_kit.sign');
    expect(spans).toHaveLength(1);
    expect(spans[0]!.attributes).toEqual({ 'jwks_kit.kid': keyRing.signingKey().kid });
    expect(spans[0]!.status.code).toBe(SpanStatusCode.UNSET);
    expect(spans[0]!.instrumentationScope.name).toBe('@jwks-kit/issuer');
    // the key material: private members and the modulus (not the kid, which is an allowed attribute)
    const privateParts = (await store.load())!.keys.flatMap((key) =>
      key.kty === 'RSA' ? [key.n, key.d, key.p, key.q, key.dp, key.dq, key.qi] : [key.d],
    );
    expect(privateParts.length).toBeGreaterThan(0);
    const secrets = [signed.token, signed.jti, SUBJECT, CLAIM_VALUE, ISSUER, ...privateParts];
    expect(leakedSecrets(tracing.spans(), secrets)).toEqual([]);
  });

  it('wraps a refresh rotation in `jwks_kit.refresh.rotate` with its outcome, the signing as its child', async () => {
    const { service } = await setup();
    const grant = await service.start({ sub: SUBJECT, scope: 'orders:read' });
    tracing.reset();
    const rotated = await service.rotate(grant.refreshToken);

    const [rotation] = tracing.spansNamed('jwks_kit.refresh.rotate');
    expect(tracing.spansNamed('jwks_kit.refresh.rotate')).toHaveLength(1);
    expect(rotation!.attributes).toEqual({ 'jwks_kit.outcome': 'rotated' });
    expect(rotation!.status.code).toBe(SpanStatusCode.UNSET);
    const [signing] = tracing.spansNamed('jwks_kit.sign');
    expect(signing!.parentSpanContext?.spanId).toBe(rotation!.spanContext().spanId);
    expect(signing!.spanContext().traceId).toBe(rotation!.spanContext().traceId);

    const secrets = [grant.refreshToken, rotated.refreshToken, grant.accessToken, rotated.accessToken];
    expect(leakedSecrets(tracing.spans(), [...secrets, grant.familyId, SUBJECT, CLAIM_VALUE])).toEqual([]);
  });

  it('marks a reuse (theft detected) with its outcome and the error code, and nothing of the token', async () => {
    const { service, clock } = await setup();
    const grant = await service.start({ sub: SUBJECT });
    const rotated = await service.rotate(grant.refreshToken);
    clock.advance(60_000); // past the grace window: presenting the first token again is theft
    tracing.reset();
    await expect(service.rotate(grant.refreshToken)).rejects.toBeInstanceOf(RefreshTokenError);

    const [reuse] = tracing.spansNamed('jwks_kit.refresh.rotate');
    expect(reuse!.attributes).toEqual({ 'jwks_kit.outcome': 'reused', 'error.type': 'ERR_REFRESH_TOKEN_REUSED' });
    expect(reuse!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'ERR_REFRESH_TOKEN_REUSED' });
    expect(reuse!.events).toEqual([]);
    const secrets = [grant.refreshToken, rotated.refreshToken, rotated.accessToken, grant.familyId, SUBJECT];
    expect(leakedSecrets(tracing.spans(), secrets)).toEqual([]);
  });

  it('marks an unknown refresh token with its error code only', async () => {
    const { service } = await setup();
    const grant = await service.start({ sub: SUBJECT });
    tracing.reset();
    const forged = `${grant.refreshToken.slice(0, -4)}AAAA`;
    await expect(service.rotate(forged)).rejects.toMatchObject({ code: 'ERR_REFRESH_TOKEN_INVALID' });
    const [refused] = tracing.spansNamed('jwks_kit.refresh.rotate');
    expect(refused!.attributes).toEqual({ 'error.type': 'ERR_REFRESH_TOKEN_INVALID' });
    expect(tracing.spansNamed('jwks_kit.sign')).toEqual([]);
    expect(leakedSecrets(tracing.spans(), [forged, grant.refreshToken, grant.familyId])).toEqual([]);
  });
});
