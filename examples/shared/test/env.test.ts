import { readAuthConfig } from '../../auth-service/src/config.js';
import { readOrdersConfig } from '../../orders-service/src/config.js';
import { readProfileConfig } from '../../profile-service/src/config.js';

describe('example configuration from the environment', () => {
  it('has working defaults without any variable', () => {
    expect(readAuthConfig({})).toEqual({
      port: 4000,
      issuerUrl: 'http://127.0.0.1:4000',
      redis: undefined,
      keysEncryptionKey: undefined,
      keysDir: '.data/keys',
      ordersPort: 4001,
      profilePort: 4002,
      allowedOrigins: ['http://127.0.0.1:4000', 'http://localhost:4000'],
      accessTokenTtlSeconds: 300,
      jwksMaxAgeSeconds: 300,
      refreshGraceMs: 10_000,
      refreshIdleTimeoutSeconds: 1_209_600,
      refreshAbsoluteLifetimeSeconds: 2_592_000,
      demoTourRoutes: false,
      signingAlg: 'RS256',
      loginLimits: { maxFailuresPerUsername: 5, maxFailuresPerIp: 100, windowSeconds: 900 },
      trustProxy: false,
      oauthClients: [],
      logLevel: 'info',
    });
    expect(readOrdersConfig({})).toMatchObject({
      port: 4001,
      serviceName: 'orders-service',
      logLevel: 'info',
      jwksMaxStaleSeconds: 86_400,
      jwksRequiredAtStart: false,
    });
    expect(readOrdersConfig({ JWKS_REQUIRED_AT_START: 'true', LOG_LEVEL: 'debug' })).toMatchObject({
      jwksRequiredAtStart: true,
      logLevel: 'debug',
    });
    expect(readProfileConfig({}).port).toBe(4002);
    expect(readProfileConfig({ AUTH_PORT: '5000' }).issuerUrl).toBe('http://127.0.0.1:5000');
  });

  it('reads every variable', () => {
    const env = {
      AUTH_PORT: '5000',
      ORDERS_PORT: '5001',
      PROFILE_PORT: '5002',
      ISSUER_URL: 'https://auth.example/',
      REDIS_URL: 'redis://r:6379',
      KEYS_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
      KEYS_DIR: '/k',
      ACCESS_TOKEN_TTL_SECONDS: '3',
      REFRESH_IDLE_TIMEOUT_SECONDS: '600',
      REFRESH_ABSOLUTE_LIFETIME_SECONDS: '1800',
      DEMO_TOUR: '1',
      LOGIN_MAX_FAILURES_PER_USERNAME: '3',
      LOGIN_MAX_FAILURES_PER_IP: '50',
      LOGIN_WINDOW_SECONDS: '60',
      TRUST_PROXY: 'loopback, 10.0.0.0/8',
      DENYLIST_MAX_STALENESS_MS: '2000',
      LOG_LEVEL: 'warn',
    };
    expect(readAuthConfig(env)).toMatchObject({
      port: 5000,
      issuerUrl: 'https://auth.example',
      redis: { kind: 'url', url: 'redis://r:6379', waitForReplicas: 0 },
      keysEncryptionKey: Buffer.alloc(32, 7),
      keysDir: '/k',
      ordersPort: 5001,
      profilePort: 5002,
      allowedOrigins: ['https://auth.example'],
      accessTokenTtlSeconds: 3,
      refreshIdleTimeoutSeconds: 600,
      refreshAbsoluteLifetimeSeconds: 1800,
      demoTourRoutes: true,
      loginLimits: { maxFailuresPerUsername: 3, maxFailuresPerIp: 50, windowSeconds: 60 },
      trustProxy: ['loopback', '10.0.0.0/8'],
      logLevel: 'warn',
    });
    // The idle timeout never outlasts the absolute lifetime.
    expect(readAuthConfig({ REFRESH_ABSOLUTE_LIFETIME_SECONDS: '60' }).refreshIdleTimeoutSeconds).toBe(60);
    expect(readAuthConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(readAuthConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(readOrdersConfig(env)).toMatchObject({
      port: 5001,
      issuerUrl: 'https://auth.example',
      redis: { kind: 'url', url: 'redis://r:6379', waitForReplicas: 0 },
      denylistMaxStalenessMs: 2000,
    });
    expect(readOrdersConfig({}).denylistMaxStalenessMs).toBe(5000);
  });

  it('names the bad variable', () => {
    expect(() => readAuthConfig({ AUTH_PORT: 'x' })).toThrow(/AUTH_PORT/);
    expect(() => readOrdersConfig({ ORDERS_PORT: '70000' })).toThrow(/ORDERS_PORT/);
    expect(() => readProfileConfig({ ISSUER_URL: 'ftp://x' })).toThrow(/ISSUER_URL/);
    expect(() => readAuthConfig({ REDIS_URL: 'http://x' })).toThrow(/REDIS_URL/);
    expect(() => readAuthConfig({ ACCESS_TOKEN_TTL_SECONDS: '0' })).toThrow(/ACCESS_TOKEN_TTL_SECONDS/);
    expect(() => readOrdersConfig({ JWKS_MAX_AGE_SECONDS: '-5' })).toThrow(/JWKS_MAX_AGE_SECONDS/);
    expect(() => readAuthConfig({ REFRESH_ABSOLUTE_LIFETIME_SECONDS: '1.5' })).toThrow(
      /REFRESH_ABSOLUTE_LIFETIME_SECONDS/,
    );
    expect(() => readAuthConfig({ DEMO_TOUR: 'yes' })).toThrow(/DEMO_TOUR/);
    expect(() => readOrdersConfig({ JWKS_MAX_STALE_SECONDS: '0' })).toThrow(/JWKS_MAX_STALE_SECONDS/);
    expect(() => readOrdersConfig({ JWKS_REQUIRED_AT_START: 'yes' })).toThrow(/JWKS_REQUIRED_AT_START/);
    expect(() => readOrdersConfig({ DENYLIST_MAX_STALENESS_MS: '0' })).toThrow(/DENYLIST_MAX_STALENESS_MS/);
    expect(() => readProfileConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
    expect(() => readAuthConfig({ LOGIN_MAX_FAILURES_PER_USERNAME: '0' })).toThrow(/LOGIN_MAX_FAILURES_PER_USERNAME/);
    expect(() => readAuthConfig({ TRUST_PROXY: 'loopback; evil' })).toThrow(/TRUST_PROXY/);
  });

  it('refuses REDIS_URL without KEYS_ENCRYPTION_KEY, and a key that is not 32 bytes of base64 (without echoing it)', () => {
    expect(() => readAuthConfig({ REDIS_URL: 'redis://r:6379' })).toThrow(
      /KEYS_ENCRYPTION_KEY is required when REDIS_URL or REDIS_SENTINELS is set.*openssl rand -base64 32/,
    );
    for (const bad of [
      Buffer.alloc(16, 1).toString('base64'),
      'not base64 at all!',
      Buffer.alloc(33).toString('hex'),
    ]) {
      const env = { REDIS_URL: 'redis://r:6379', KEYS_ENCRYPTION_KEY: bad };
      expect(() => readAuthConfig(env)).toThrow(/^KEYS_ENCRYPTION_KEY must be 32 random bytes in base64/);
      expect(() => readAuthConfig(env)).not.toThrow(bad);
    }
    const urlSafe = Buffer.alloc(32, 0xfb).toString('base64url');
    expect(readAuthConfig({ KEYS_ENCRYPTION_KEY: urlSafe }).keysEncryptionKey).toEqual(Buffer.alloc(32, 0xfb));
  });

  it('reads OAUTH_CLIENTS as a JSON array and names the variable when it is not one', () => {
    const clients = [{ clientId: 'orders-service', secretHash: 'sha256$x', audiences: ['urn:a'] }];
    expect(readAuthConfig({ OAUTH_CLIENTS: JSON.stringify(clients) }).oauthClients).toEqual(clients);
    expect(() => readAuthConfig({ OAUTH_CLIENTS: '{"clientId":"x"}' })).toThrow(/OAUTH_CLIENTS/);
    expect(() => readAuthConfig({ OAUTH_CLIENTS: 'not json' })).toThrow(/OAUTH_CLIENTS/);
  });
});
