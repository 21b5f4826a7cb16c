/** A ratio the numbers must show: median over rounds of `numerator / denominator` (same round). */
export interface Target {
  readonly label: string;
  /** Row ids (`scenario` or `scenario:variant` for micro benchmarks). */
  readonly numerator: string;
  readonly denominator: string;
  /** The ratio must be at least this (strictly above when `strict`). */
  readonly min: number;
  readonly strict?: boolean;
}

/** The targets of the benchmark issues; a target whose rows did not run is reported as skipped. */
export const TARGETS: readonly Target[] = [
  {
    label: 'distinct tokens ≥ 0.97× the hand-written floor',
    numerator: 'require-auth-distinct',
    denominator: 'floor',
    min: 0.97,
  },
  { label: 'repeated token ≥ 0.97× bare Express', numerator: 'require-auth-repeated', denominator: 'bare', min: 0.97 },
  {
    label: 'Redis mirror of 10,000 revocations ≥ 0.97× no denylist',
    numerator: 'require-auth-mirror',
    denominator: 'require-auth-distinct',
    min: 0.97,
  },
  {
    label: 'Redis mirror of 1,000,000 revocations ≥ 0.97× no denylist',
    numerator: 'require-auth-mirror-1m',
    denominator: 'require-auth-distinct',
    min: 0.97,
  },
  { label: 'distinct tokens ≥ 0.65× bare Express', numerator: 'require-auth-distinct', denominator: 'bare', min: 0.65 },
  {
    label: 'distinct tokens ≥ 2.5× express-jwt + jwks-rsa',
    numerator: 'require-auth-distinct',
    denominator: 'express-jwt',
    min: 2.5,
  },
  {
    label: 'distinct tokens ahead of express-oauth2-jwt-bearer',
    numerator: 'require-auth-distinct',
    denominator: 'oauth2-jwt-bearer',
    min: 1,
    strict: true,
  },
  {
    label: 'distinct tokens ahead of hand-written jose',
    numerator: 'require-auth-distinct',
    denominator: 'jose-hand',
    min: 1,
    strict: true,
  },
  {
    label: 'issuer signing ≥ 0.9× crypto.sign',
    numerator: 'issuer-sign:signer',
    denominator: 'issuer-sign:crypto.sign',
    min: 0.9,
  },
  {
    label: 'repeated token with the OpenTelemetry SDK on ≥ 0.98× SDK off (HTTP)',
    numerator: 'require-auth-otel',
    denominator: 'require-auth-repeated',
    min: 0.98,
  },
  {
    label: 'middleware alone, repeated token, SDK on ≥ 0.98× SDK off (micro)',
    numerator: 'telemetry-cost:SDK on',
    denominator: 'telemetry-cost:SDK off',
    min: 0.98,
  },
  { label: 'JWKS endpoint ≥ 0.95× bare Express', numerator: 'jwks', denominator: 'bare', min: 0.95 },
  { label: 'JWKS 304 (If-None-Match) ≥ 0.95× bare Express', numerator: 'jwks-304', denominator: 'bare', min: 0.95 },
];
