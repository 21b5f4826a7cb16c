export { createMockIssuer } from './create-mock-issuer.js';
export type {
  MockIssuer,
  MockIssuerOptions,
  SignOptions,
  TestClaims,
  RejectedTokenFactory,
} from './create-mock-issuer.js';
export { createTestClock } from './test-clock.js';
export type { TestClock } from './test-clock.js';
export type { TestAlgorithm, AnyJwsAlgorithm } from './lib/test-keys.js';
