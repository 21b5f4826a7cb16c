import { prebuiltJsonHandler } from '@jwks-kit/core';
import type { RequestHandler } from 'express';
import { parseJwksUrlOption } from './lib/jwks-url.js';

/** Options of {@link protectedResourceMetadataHandler} (RFC 9728 §2). URLs: https, or http on a loopback host. */
export type ProtectedResourceMetadataOptions = Readonly<{
  /** The resource identifier: this service's public base URL (no query or fragment), as clients name it. */
  resource: string;
  /** Issuer identifiers of the authorization servers whose tokens this resource accepts. */
  authorizationServers: readonly string[];
  /** Scopes a client may need here. @default undefined */
  scopesSupported?: readonly string[];
  /** How tokens may be presented (RFC 6750 §2). @default ['header'] */
  bearerMethodsSupported?: readonly ('header' | 'body' | 'query')[];
  /** DPoP proof algorithms accepted here (RFC 9449). @default undefined */
  dpopSigningAlgValuesSupported?: readonly string[];
  /** True when every token must be DPoP-bound. @default undefined */
  dpopBoundAccessTokensRequired?: boolean;
  /** Human-readable name of the resource. @default undefined */
  resourceName?: string;
  /** `max-age` of the response, in seconds. @default 3600 */
  maxAgeSeconds?: number;
}>;

const WELL_KNOWN = '/.well-known/oauth-protected-resource';

/**
 * Where the metadata of `resource` lives (RFC 9728 §3.1): the well-known path inserted between the host
 * and the resource's path, e.g. `https://api.example.com/orders` → `https://api.example.com/.well-known/oauth-protected-resource/orders`.
 * Give it to `requireAuth({ resourceMetadataUrl })` so that 401 challenges point clients to it.
 */
export function protectedResourceMetadataUrl(resource: string): string {
  const url = resourceUrl(resource, 'resource');
  const path = url.pathname === '/' ? '' : url.pathname;
  return `${url.origin}${WELL_KNOWN}${path}`;
}

/**
 * Express handler serving RFC 9728 protected resource metadata (mount it at the path of
 * {@link protectedResourceMetadataUrl}). The body is built once, at creation; options are validated
 * there (TypeError naming the option).
 */
export function protectedResourceMetadataHandler(options: ProtectedResourceMetadataOptions): RequestHandler {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  // Served exactly as configured: RFC 9728 §3.3 has clients compare it with the identifier they used.
  const resource = options.resource;
  resourceUrl(resource, 'resource');
  if (!Array.isArray(options.authorizationServers) || options.authorizationServers.length === 0) {
    throw new TypeError('option `authorizationServers` must be a non-empty array of issuer URLs');
  }
  options.authorizationServers.forEach((issuer, index) => resourceUrl(issuer, `authorizationServers[${index}]`));
  const bearerMethods = options.bearerMethodsSupported ?? ['header'];
  if (!Array.isArray(bearerMethods) || bearerMethods.some((m) => !['header', 'body', 'query'].includes(m))) {
    throw new TypeError("option `bearerMethodsSupported` must list 'header', 'body' or 'query'");
  }
  if (
    options.dpopBoundAccessTokensRequired !== undefined &&
    typeof options.dpopBoundAccessTokensRequired !== 'boolean'
  ) {
    throw new TypeError('option `dpopBoundAccessTokensRequired` must be a boolean');
  }
  if (options.resourceName !== undefined && (typeof options.resourceName !== 'string' || options.resourceName === '')) {
    throw new TypeError('option `resourceName` must be a non-empty string');
  }
  const metadata = {
    resource,
    authorization_servers: [...options.authorizationServers],
    scopes_supported: stringList(options.scopesSupported, 'scopesSupported'),
    bearer_methods_supported: [...bearerMethods],
    dpop_signing_alg_values_supported: stringList(
      options.dpopSigningAlgValuesSupported,
      'dpopSigningAlgValuesSupported',
    ),
    dpop_bound_access_tokens_required: options.dpopBoundAccessTokensRequired,
    resource_name: options.resourceName,
  };
  return prebuiltJsonHandler(metadata, { maxAgeSeconds: options.maxAgeSeconds ?? 3600 });
}

function resourceUrl(value: unknown, option: string): URL {
  const url = parseJwksUrlOption(value, option, false);
  if (url.search || url.hash || String(value).includes('#')) {
    throw new TypeError(`option \`${option}\` must not have a query or fragment`);
  }
  return url;
}

function stringList(value: readonly string[] | undefined, option: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((entry) => typeof entry !== 'string' || entry === '')) {
    throw new TypeError(`option \`${option}\` must be an array of non-empty strings`);
  }
  return [...value];
}
