import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { RateLimiterMemory, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { OAuthEndpointError } from './lib/oauth-endpoint-error.js';

/** A registered client of the revocation and introspection endpoints. */
export type OAuthClient = Readonly<{
  clientId: string;
  /** `hashClientSecret(secret)`: the secret itself is never stored. */
  secretHash: string;
  /** Audiences whose tokens this client may introspect (a resource server names its own). @default [] */
  audiences?: readonly string[];
}>;

/** The client a request authenticated as. */
export type AuthenticatedClient = Readonly<{ clientId: string; audiences: ReadonlySet<string> }>;

/** Options of {@link createClientAuthenticator}. */
export type ClientAuthenticatorOptions = Readonly<{
  clients: readonly OAuthClient[];
  /**
   * Limits requests per client id (authenticated or not), e.g. a `RateLimiterRedis` shared by replicas.
   * @default new RateLimiterMemory({ points: 100, duration: 1 })
   */
  requestLimiter?: RateLimiterAbstract;
  /** Limits failed authentications per client IP (`req.ip`: see Express `trust proxy`). @default new RateLimiterMemory({ points: 10, duration: 60 }) */
  failureLimiter?: RateLimiterAbstract;
}>;

/** Authenticates the clients of the OAuth endpoints; see {@link createClientAuthenticator}. */
export interface ClientAuthenticator {
  /** The client of `req` (HTTP Basic, RFC 6749 §2.3.1); rejects with an `OAuthEndpointError` (401 `invalid_client`, 429). */
  authenticate(req: Request): Promise<AuthenticatedClient>;
}

const SECRET_PREFIX = 'sha256$';
/** 32 random bytes in base64url are 43 characters: shorter secrets are refused. */
const MIN_SECRET_LENGTH = 43;
const CLIENT_ID = /^[\x21-\x7e]{1,128}$/;

/** A new client secret: 256 random bits, base64url. */
export function generateClientSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The stored form of a client secret: SHA-256, base64url. Client secrets are machine-generated with 256
 * bits of entropy (shorter ones are refused), so a fast hash cannot be brute-forced and costs each
 * request microseconds, where a password hash (scrypt) would cost tens of milliseconds per request.
 */
export function hashClientSecret(secret: string): string {
  if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) {
    throw new TypeError(`a client secret must be a string of at least ${MIN_SECRET_LENGTH} characters (256 bits)`);
  }
  return SECRET_PREFIX + createHash('sha256').update(secret).digest('base64url');
}

function digestOf(secretHash: string, option: string): Buffer {
  const digest = secretHash.startsWith(SECRET_PREFIX)
    ? Buffer.from(secretHash.slice(SECRET_PREFIX.length), 'base64url')
    : undefined;
  if (!digest || digest.length !== 32) throw new TypeError(`option \`${option}\` must come from hashClientSecret()`);
  return digest;
}

/** Decodes `Authorization: Basic` (client id and secret form-urlencoded, RFC 6749 §2.3.1); undefined when absent or malformed. */
function basicCredentials(req: Request): { clientId: string; secret: string } | undefined {
  const header = req.headers.authorization;
  if (typeof header !== 'string' || !/^basic /i.test(header)) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) return undefined;
  try {
    return {
      clientId: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')),
      secret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')),
    };
  } catch {
    return undefined;
  }
}

const INVALID_CLIENT = () =>
  new OAuthEndpointError(401, 'invalid_client', 'Client authentication failed.', {
    'WWW-Authenticate': 'Basic realm="oauth", charset="UTF-8"',
  });

async function consume(limiter: RateLimiterAbstract, key: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (rejection) {
    if (rejection instanceof Error) throw rejection;
    const msBeforeNext = (rejection as { msBeforeNext?: number }).msBeforeNext ?? 1_000;
    throw new OAuthEndpointError(429, 'too_many_requests', 'Too many requests; try again later.', {
      'Retry-After': String(Math.max(1, Math.ceil(msBeforeNext / 1000))),
    });
  }
}

/**
 * Client authentication for `/revoke` and `/introspect`: HTTP Basic against hashed secrets
 * (constant-time comparison), requests rate limited per client id and failures per IP
 * (rate-limiter-flexible; pass Redis-backed limiters so that replicas share the counts).
 */
export function createClientAuthenticator(options: ClientAuthenticatorOptions): ClientAuthenticator {
  if (!Array.isArray(options?.clients)) throw new TypeError('option `clients` must be an array of OAuthClient');
  const clients = new Map<string, { digest: Buffer; client: AuthenticatedClient }>();
  options.clients.forEach((client, index) => {
    if (typeof client?.clientId !== 'string' || !CLIENT_ID.test(client.clientId)) {
      throw new TypeError(`option \`clients[${index}].clientId\` must be 1–128 visible ASCII characters`);
    }
    if (clients.has(client.clientId)) throw new TypeError(`option \`clients\` names ${client.clientId} twice`);
    const audiences = client.audiences ?? [];
    if (!Array.isArray(audiences) || audiences.some((aud) => typeof aud !== 'string' || aud === '')) {
      throw new TypeError(`option \`clients[${index}].audiences\` must be an array of non-empty strings`);
    }
    clients.set(client.clientId, {
      digest: digestOf(client.secretHash, `clients[${index}].secretHash`),
      client: Object.freeze({ clientId: client.clientId, audiences: new Set(audiences) }),
    });
  });
  const requestLimiter = options.requestLimiter ?? new RateLimiterMemory({ points: 100, duration: 1 });
  const failureLimiter = options.failureLimiter ?? new RateLimiterMemory({ points: 10, duration: 60 });
  // A digest to compare against when the client id is unknown, so that timing does not tell ids apart.
  const decoy = createHash('sha256').update(randomBytes(32)).digest();

  return {
    async authenticate(req) {
      const ipKey = `ip:${req.ip ?? req.socket.remoteAddress ?? 'unknown'}`;
      const failed = async () => {
        await consume(failureLimiter, ipKey);
        return INVALID_CLIENT();
      };
      const credentials = basicCredentials(req);
      if (!credentials) throw await failed();
      await consume(requestLimiter, `client:${credentials.clientId}`);
      const entry = clients.get(credentials.clientId);
      const presented = createHash('sha256').update(credentials.secret).digest();
      const matches = timingSafeEqual(presented, entry?.digest ?? decoy);
      if (!entry || !matches) throw await failed();
      return entry.client;
    },
  };
}
