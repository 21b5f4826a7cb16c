import { createLoginRateLimiter } from '../src/login-rate-limiter.js';
import { loginRateLimiterContract } from './login-rate-limiter-contract.js';

describe('createLoginRateLimiter in process memory (no REDIS_URL)', () => {
  loginRateLimiterContract((options) => createLoginRateLimiter(options));
});
