import { parseAlgorithmsOption, prebuiltJsonHandler, type JwsAlgorithm } from '@jwks-kit/core';
import type { RequestHandler } from 'express';
import { isSigningAlgorithm } from './lib/signing-key-types.js';
import type { SigningAlgorithm } from './signer.js';

/** Options of {@link discoveryHandler}. URLs are absolute; https, or http on a loopback host. */
export type DiscoveryHandlerOptions = Readonly<{
  /** The issuer identifier, exactly as in the tokens' `iss` (no query or fragment). */
  issuer: string;
  /** Absolute URL of the JWKS endpoint. */
  jwksUri: string;
  /** Absolute URL of the token endpoint, when there is one. */
  tokenEndpoint?: string;
  /** Absolute URL of the revocation endpoint (RFC 7009), when there is one. */
  revocationEndpoint?: string;
  /** Absolute URL of the introspection endpoint (RFC 7662), when there is one. */
  introspectionEndpoint?: string;
  /** Advertised scopes. */
  scopesSupported?: readonly string[];
  /** Advertised grant types, e.g. `['password', 'refresh_token']`. */
  grantTypesSupported?: readonly string[];
  /** RFC 8414 `response_types_supported`; empty when there is no authorization endpoint. @default [] */
  responseTypesSupported?: readonly string[];
  /** Algorithms the issuer's keys sign with (advertised as `*_signing_alg_values_supported`). @default ['RS256'] */
  signingAlgorithms?: readonly SigningAlgorithm[];
  /**
   * Algorithms the token endpoint accepts DPoP proofs under (RFC 9449 §5.1: `dpop_signing_alg_values_supported`),
   * e.g. the `algorithms` of the token endpoint's DPoP check; asymmetric only. Omit when the token endpoint
   * takes no DPoP proofs: the member is then absent.
   */
  dpopSigningAlgorithms?: readonly JwsAlgorithm[];
  /** `max-age` of the response, in seconds. @default 3600 */
  maxAgeSeconds?: number;
}>;

/**
 * Express handler for `GET /.well-known/openid-configuration` (and the RFC 8414
 * `oauth-authorization-server` path): issuer, jwks_uri, token endpoint when configured,
 * the signing algorithms (RS256 by default). The body is built once, at creation.
 */
export function discoveryHandler(options: DiscoveryHandlerOptions): RequestHandler {
  const issuer = url(options?.issuer, 'issuer', true);
  const signingAlgorithms = list(options.signingAlgorithms ?? ['RS256'], 'signingAlgorithms')!;
  if (signingAlgorithms.length === 0 || !signingAlgorithms.every(isSigningAlgorithm))
    throw new TypeError('option `signingAlgorithms` must be a non-empty list of RS256, PS256, ES256, EdDSA');
  const dpopSigningAlgorithms =
    options.dpopSigningAlgorithms === undefined
      ? undefined
      : parseAlgorithmsOption(options.dpopSigningAlgorithms, 'dpopSigningAlgorithms');
  if (dpopSigningAlgorithms && options.tokenEndpoint === undefined)
    throw new TypeError('option `dpopSigningAlgorithms` needs option `tokenEndpoint`: proofs are taken there');
  const metadata = {
    issuer,
    jwks_uri: url(options.jwksUri, 'jwksUri', false),
    token_endpoint:
      options.tokenEndpoint === undefined ? undefined : url(options.tokenEndpoint, 'tokenEndpoint', false),
    revocation_endpoint:
      options.revocationEndpoint === undefined
        ? undefined
        : url(options.revocationEndpoint, 'revocationEndpoint', false),
    revocation_endpoint_auth_methods_supported:
      options.revocationEndpoint === undefined ? undefined : ['client_secret_basic'],
    introspection_endpoint:
      options.introspectionEndpoint === undefined
        ? undefined
        : url(options.introspectionEndpoint, 'introspectionEndpoint', false),
    introspection_endpoint_auth_methods_supported:
      options.introspectionEndpoint === undefined ? undefined : ['client_secret_basic'],
    scopes_supported: list(options.scopesSupported, 'scopesSupported'),
    grant_types_supported: list(options.grantTypesSupported, 'grantTypesSupported'),
    response_types_supported: list(options.responseTypesSupported, 'responseTypesSupported') ?? [],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: signingAlgorithms,
    token_endpoint_auth_signing_alg_values_supported:
      options.tokenEndpoint === undefined ? undefined : signingAlgorithms,
    dpop_signing_alg_values_supported: dpopSigningAlgorithms,
  };
  return prebuiltJsonHandler(metadata, { maxAgeSeconds: options.maxAgeSeconds ?? 3600 });
}

function url(value: unknown, name: string, isIssuer: boolean): string {
  let parsed: URL;
  try {
    parsed = new URL(String(value));
  } catch {
    throw new TypeError(`option \`${name}\` must be an absolute URL`);
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(parsed.hostname);
  if (typeof value !== 'string' || !(parsed.protocol === 'https:' || (parsed.protocol === 'http:' && loopback))) {
    throw new TypeError(`option \`${name}\` must be an https URL (http only on a loopback host)`);
  }
  if (isIssuer && (parsed.search || parsed.hash || value.includes('?') || value.includes('#'))) {
    throw new TypeError(`option \`${name}\` must not have a query or fragment`);
  }
  return value;
}

function list(value: readonly string[] | undefined, name: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v === ''))
    throw new TypeError(`option \`${name}\` must be a list of non-empty strings`);
  return [...value];
}
