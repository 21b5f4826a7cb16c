import { KeySetError } from './key-set-error.js';
import { jwksFetch, jwksJson } from './lib/jwks-fetch.js';
import { isAllowedJwksUrl, parseJwksUrlOption } from './lib/jwks-url.js';

/** Options of {@link discoverJwksUri}. */
export type DiscoverJwksUriOptions = Readonly<{
  /** Time limit of the discovery request. @default 5_000 */
  timeoutMs?: number;
  /** Largest accepted discovery document. @default 65_536 */
  maxResponseBytes?: number;
  /** Allow plain http to hosts other than loopback, for the issuer and its `jwks_uri`. @default false */
  allowInsecureHttp?: boolean;
}>;

/**
 * Reads `jwks_uri` from `${issuer}/.well-known/openid-configuration` (one trailing slash of the issuer
 * removed first), under the key cache's limits: no redirects, timeout, byte cap. The document's `issuer`
 * must equal the configured one exactly, and `jwks_uri` must be https (http only on loopback unless
 * allowed). Rejects with {@link KeySetError}; invalid arguments throw TypeError.
 */
export async function discoverJwksUri(issuer: string, options: DiscoverJwksUriOptions = {}): Promise<URL> {
  const allowInsecureHttp = options.allowInsecureHttp ?? false;
  if (typeof allowInsecureHttp !== 'boolean') throw new TypeError('option `allowInsecureHttp` must be a boolean');
  if (typeof issuer !== 'string') throw new TypeError('`issuer` must be a string');
  const timeoutMs = positiveInteger(options.timeoutMs, 5_000, 'timeoutMs');
  const maxResponseBytes = positiveInteger(options.maxResponseBytes, 65_536, 'maxResponseBytes');
  const issuerUrl = parseJwksUrlOption(issuer, 'issuer', allowInsecureHttp);
  if (issuerUrl.search || issuerUrl.hash) throw new TypeError('`issuer` must not carry a query or fragment');
  const configurationUrl = new URL(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);

  const response = await jwksFetch(configurationUrl, { timeoutMs, maxResponseBytes, accept: 'application/json' });
  if (response.status !== 200)
    throw new KeySetError('ERR_JWKS_HTTP_STATUS', `${configurationUrl.href} answered with status ${response.status}`);
  let document: unknown;
  try {
    document = jwksJson(configurationUrl, response);
  } catch (cause) {
    throw new KeySetError('ERR_DISCOVERY_INVALID', (cause as Error).message, { cause });
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new KeySetError('ERR_DISCOVERY_INVALID', `${configurationUrl.href} is not a JSON object`);
  }
  const { issuer: documentIssuer, jwks_uri: jwksUri } = document as Record<string, unknown>;
  if (documentIssuer !== issuer) {
    throw new KeySetError('ERR_DISCOVERY_ISSUER_MISMATCH', `the discovery document's issuer does not equal ${issuer}`);
  }
  if (typeof jwksUri !== 'string' || !URL.canParse(jwksUri)) {
    throw new KeySetError('ERR_DISCOVERY_INVALID', 'the discovery document has no valid jwks_uri');
  }
  const url = new URL(jwksUri);
  if (url.username || url.password || !isAllowedJwksUrl(url, allowInsecureHttp)) {
    throw new KeySetError(
      'ERR_JWKS_INSECURE_URL',
      'the discovered jwks_uri is neither https nor http on a loopback host',
    );
  }
  return url;
}

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > 2 ** 31 - 1) {
    throw new TypeError(`option \`${name}\` must be a positive integer (got ${String(value)})`);
  }
  return value;
}
