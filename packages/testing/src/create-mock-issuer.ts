import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  assertTestAlgorithm,
  encodeJsonSegment,
  generateTestKey,
  signJwsInput,
  type AnyJwsAlgorithm,
  type TestAlgorithm,
  type TestKey,
} from './lib/test-keys.js';

/** Options of {@link createMockIssuer}. */
export type MockIssuerOptions = Readonly<{
  /** Algorithm of the issuer's keys (RSA 2048, P-256 or Ed25519). @default 'RS256' */
  algorithm?: TestAlgorithm;
  /** `aud` of tokens that do not name one. @default 'https://api.example.test' */
  audience?: string | readonly string[];
  /** Lifetime of tokens that do not set `exp`, in seconds. @default 300 */
  ttlSeconds?: number;
  /** `Cache-Control` of the JWKS response; `null` sends none. Change it later with `setCacheControl()`. @default 'public, max-age=60' */
  cacheControl?: string | null;
  /** Clock in milliseconds, shared with the verifier under test (see `createTestClock`). @default Date.now */
  now?: () => number;
  /** Loopback address to listen on. @default '127.0.0.1' */
  host?: string;
  /** Port to listen on; 0 picks a free one. @default 0 */
  port?: number;
}>;

/** How {@link MockIssuer.sign} builds a token, beyond its claims. */
export type SignOptions = Readonly<{
  /** Header members merged over `{ alg, typ: 'at+jwt', kid }`; a member set to `undefined` is left out. */
  header?: Readonly<Record<string, unknown>>;
  /** Algorithm the signature is computed with, if not the key's own (also written to the header). */
  alg?: AnyJwsAlgorithm;
  /**
   * Which key signs: the active published key (default), or `'unpublished'`, a key the JWKS never
   * served (its own kid: an unknown kid for the verifier).
   * @default 'active'
   */
  key?: 'active' | 'unpublished';
  /** Secret for `alg: 'HS256'`. @default the active key's public JWK as JSON (the classic confusion attack) */
  hmacSecret?: Buffer;
}>;

/** Claims of a test token; a claim set to `undefined` is left out (e.g. `{ exp: undefined }`). */
export type TestClaims = Readonly<Record<string, unknown>>;

/** Ready-made tokens a verifier must refuse, each with the default claims plus `claims`. */
export interface RejectedTokenFactory {
  /** `exp` 60 s in the past (beyond the usual 5 s leeway): `token_expired`. */
  expired(claims?: TestClaims): string;
  /** `nbf` 60 s in the future. */
  notYetValid(claims?: TestClaims): string;
  /** `aud` the service does not accept. */
  wrongAudience(claims?: TestClaims): string;
  /** `iss` of another issuer (the mock's issuer with a trailing slash). */
  wrongIssuer(claims?: TestClaims): string;
  /** The active kid in the header, but signed with another key: the signature fails. */
  wrongKey(claims?: TestClaims): string;
  /** Signed with a key whose kid the JWKS never published. */
  unknownKid(claims?: TestClaims): string;
  /** Signed validly but under another algorithm than the key is published for (RS256↔PS256, ES256→ES384, EdDSA→HS256). */
  algMismatch(claims?: TestClaims): string;
  /** HS256 with the active public key (its JWK as JSON) as the HMAC secret. */
  hmacWithPublicKey(claims?: TestClaims): string;
  /** `alg: none` with an empty signature. */
  unsigned(claims?: TestClaims): string;
  /** A valid token with one character of the payload changed. */
  tampered(claims?: TestClaims): string;
  /** `typ: JWT` instead of `at+jwt` (RFC 9068 §4: an ID token must not pass as an access token). */
  wrongType(claims?: TestClaims): string;
}

/** A running issuer double: a JWKS and discovery on a real socket, and a signer for any token. */
export interface MockIssuer {
  /** The issuer URL (`iss` of its tokens), e.g. `http://127.0.0.1:41234`. */
  readonly issuer: string;
  /** `${issuer}/.well-known/jwks.json`. */
  readonly jwksUri: string;
  /** kid of the key that signs now. */
  readonly kid: string;
  /** Algorithm of the key that signs now. */
  readonly algorithm: TestAlgorithm;
  /** Requests the JWKS endpoint has answered. */
  readonly jwksRequests: number;
  /** The published key set, as the endpoint serves it. */
  jwks(): { keys: readonly Readonly<Record<string, unknown>>[] };
  /** Signs an access token: defaults (`iss`, `aud`, `sub`, `client_id`, `iat`, `exp`, `jti`) overridden by `claims`. */
  sign(claims?: TestClaims, options?: SignOptions): string;
  /** Tokens a correctly configured verifier must refuse. */
  readonly reject: RejectedTokenFactory;
  /**
   * Publishes a new key and signs with it from now on; returns its kid. The previous key stays published
   * unless `keepPrevious` is false (a key removed from the JWKS).
   */
  rotate(options?: Readonly<{ algorithm?: TestAlgorithm; keepPrevious?: boolean }>): Promise<string>;
  /** Sets the JWKS `Cache-Control` (`null`: none). */
  setCacheControl(value: string | null): void;
  /** Makes the JWKS endpoint answer `status` (e.g. 503) until called with `null`: an outage. */
  failJwks(status: number | null): void;
  /** Stops the server and closes its connections. */
  close(): Promise<void>;
}

const DEFAULT_AUDIENCE = 'https://api.example.test';

function positiveInteger(value: unknown, option: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new TypeError(`option \`${option}\` must be a positive integer`);
  }
  return value;
}

function withoutUndefined(record: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}

const MISMATCHED_ALG: Readonly<Record<TestAlgorithm, AnyJwsAlgorithm>> = {
  RS256: 'PS256',
  PS256: 'RS256',
  ES256: 'ES384',
  EdDSA: 'HS256',
};

/**
 * Starts an issuer double on a free loopback port: `/.well-known/jwks.json` (with controllable
 * `Cache-Control`), `/.well-known/openid-configuration` and `/.well-known/oauth-authorization-server`.
 * For tests only: it signs whatever it is asked to.
 */
export async function createMockIssuer(options: MockIssuerOptions = {}): Promise<MockIssuer> {
  const algorithm = options.algorithm ?? 'RS256';
  assertTestAlgorithm(algorithm, 'algorithm');
  const ttlSeconds = positiveInteger(options.ttlSeconds ?? 300, 'ttlSeconds');
  const audience = options.audience ?? DEFAULT_AUDIENCE;
  if (typeof audience !== 'string' && !Array.isArray(audience)) {
    throw new TypeError('option `audience` must be a string or an array of strings');
  }
  const now = options.now ?? Date.now;
  if (typeof now !== 'function') throw new TypeError('option `now` must be a function returning milliseconds');
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;

  // Besides the active key, two never published: one signs under its own kid (unknown kid), one under the active kid (wrong key).
  let [active, unpublished, stranger] = (await Promise.all([1, 2, 3].map(() => generateTestKey(algorithm)))) as [
    TestKey,
    TestKey,
    TestKey,
  ];
  let published: TestKey[] = [active];
  let cacheControl = options.cacheControl === undefined ? 'public, max-age=60' : options.cacheControl;
  let jwksFailure: number | null = null;
  let jwksRequests = 0;
  let issuer = '';

  const jwks = () => ({ keys: published.map((key) => key.publicJwk) });

  const answerJson = (res: ServerResponse, status: number, body: unknown, cache?: string | null) => {
    res.statusCode = status;
    res.setHeader('Content-Type', 'application/json');
    if (cache) res.setHeader('Cache-Control', cache);
    res.end(JSON.stringify(body));
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://mock').pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') return answerJson(res, 405, { error: 'method_not_allowed' });
    if (path === '/.well-known/jwks.json') {
      jwksRequests += 1;
      if (jwksFailure !== null) return answerJson(res, jwksFailure, { error: 'unavailable' });
      return answerJson(res, 200, jwks(), cacheControl);
    }
    if (path === '/.well-known/openid-configuration' || path === '/.well-known/oauth-authorization-server') {
      return answerJson(res, 200, {
        issuer,
        jwks_uri: `${issuer}/.well-known/jwks.json`,
        id_token_signing_alg_values_supported: [active.algorithm],
      });
    }
    return answerJson(res, 404, { error: 'not_found' });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  issuer = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;

  const nowSeconds = () => Math.floor(now() / 1000);

  const sign = (claims: TestClaims = {}, signOptions: SignOptions = {}): string => {
    const key = signOptions.key === 'unpublished' ? unpublished : active;
    const alg = signOptions.alg ?? key.algorithm;
    const header = withoutUndefined({ alg, typ: 'at+jwt', kid: key.kid, ...signOptions.header });
    const iat = nowSeconds();
    const payload = withoutUndefined({
      iss: issuer,
      aud: audience,
      sub: 'test-user',
      client_id: 'test-client',
      iat,
      exp: iat + ttlSeconds,
      jti: randomUUID(),
      ...claims,
    });
    const input = `${encodeJsonSegment(header)}.${encodeJsonSegment(payload)}`;
    const secret = signOptions.hmacSecret ?? Buffer.from(JSON.stringify(active.publicJwk));
    return `${input}.${signJwsInput(input, alg, key.privateKey, secret).toString('base64url')}`;
  };

  const reject: RejectedTokenFactory = {
    expired: (claims) => sign({ iat: nowSeconds() - 360, exp: nowSeconds() - 60, ...claims }),
    notYetValid: (claims) => sign({ nbf: nowSeconds() + 60, ...claims }),
    wrongAudience: (claims) => sign({ aud: 'https://another-api.example.test', ...claims }),
    wrongIssuer: (claims) => sign({ iss: `${issuer}/`, ...claims }),
    wrongKey: (claims) => {
      const token = sign(claims);
      const [header, payload] = token.split('.');
      const input = `${header}.${payload}`;
      return `${input}.${signJwsInput(input, active.algorithm, stranger.privateKey).toString('base64url')}`;
    },
    unknownKid: (claims) => sign(claims, { key: 'unpublished' }),
    algMismatch: (claims) => sign(claims, { alg: MISMATCHED_ALG[active.algorithm] }),
    hmacWithPublicKey: (claims) => sign(claims, { alg: 'HS256' }),
    unsigned: (claims) => sign(claims, { alg: 'none' }),
    tampered: (claims) => {
      const [header, payload, signature] = sign(claims).split('.') as [string, string, string];
      const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
      decoded.sub = `${String(decoded.sub)}x`;
      return `${header}.${encodeJsonSegment(decoded)}.${signature}`;
    },
    wrongType: (claims) => sign(claims, { header: { typ: 'JWT' } }),
  };

  return {
    get issuer() {
      return issuer;
    },
    get jwksUri() {
      return `${issuer}/.well-known/jwks.json`;
    },
    get kid() {
      return active.kid;
    },
    get algorithm() {
      return active.algorithm;
    },
    get jwksRequests() {
      return jwksRequests;
    },
    jwks,
    sign,
    reject,
    async rotate(rotateOptions = {}) {
      const nextAlgorithm = rotateOptions.algorithm ?? active.algorithm;
      assertTestAlgorithm(nextAlgorithm, 'algorithm');
      const next = await generateTestKey(nextAlgorithm);
      if (nextAlgorithm !== active.algorithm) {
        [unpublished, stranger] = (await Promise.all([1, 2].map(() => generateTestKey(nextAlgorithm)))) as [
          TestKey,
          TestKey,
        ];
      }
      published = rotateOptions.keepPrevious === false ? [next] : [next, ...published];
      active = next;
      return next.kid;
    },
    setCacheControl(value) {
      cacheControl = value;
    },
    failJwks(status) {
      if (status !== null && (!Number.isInteger(status) || status < 400 || status > 599)) {
        throw new TypeError('failJwks(status) takes an HTTP error status (400–599) or null');
      }
      jwksFailure = status;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
