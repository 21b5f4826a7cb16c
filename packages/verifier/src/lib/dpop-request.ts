import {
  countHeader,
  isDpopProofError,
  ownMember,
  resolveDpopProofPolicy,
  useDpopProofOnce,
  verifyDpopProof,
  type DpopProofExpectation,
  type DpopProofPolicy,
  type VerifiedDpopProof,
} from '@jwks-kit/core';
import type { IncomingHttpHeaders } from 'node:http';
import type { DpopOptions } from '../dpop-options.js';
import { VerifierError, type DpopChallenge } from '../errors.js';

/** The `dpop` option checked once, with what every request reuses: core's proof policy plus the route's own rules. */
export interface ResolvedDpop extends DpopProofPolicy {
  readonly required: boolean;
  readonly publicOrigin: string;
  /** The challenges: DPoP only, and Bearer plus DPoP (a request without a token where both are accepted). */
  readonly challenge: DpopChallenge;
  readonly bothChallenge: DpopChallenge;
}

/** Validates the `dpop` option of `requireAuth` (TypeError naming the option). */
export function resolveDpopOptions(value: unknown): ResolvedDpop | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null) throw new TypeError('option `dpop` must be an object');
  const options = value as DpopOptions;
  const { required = false } = options;
  if (typeof required !== 'boolean') throw new TypeError('option `dpop.required` must be a boolean');
  const publicOrigin = parseOrigin(options.publicOrigin);
  const policy = resolveDpopProofPolicy(options, 'dpop.');
  const algs = policy.algorithms.join(' ');
  return Object.freeze({
    ...policy,
    required,
    publicOrigin,
    challenge: Object.freeze({ scheme: 'DPoP', algs }),
    bothChallenge: Object.freeze({ scheme: 'both', algs }),
  });
}

function parseOrigin(value: unknown): string {
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (
    url === undefined ||
    (url.protocol !== 'https:' && url.protocol !== 'http:') ||
    url.pathname !== '/' ||
    url.search !== '' ||
    url.hash !== '' ||
    url.username !== '' ||
    url.password !== ''
  )
    throw new TypeError(
      'option `dpop.publicOrigin` must be an http(s) origin such as https://api.example.com (no path)',
    );
  return url.origin;
}

/** The parts of a request the DPoP check reads. */
export interface DpopRequest {
  readonly method: string;
  readonly originalUrl: string;
  readonly headers: IncomingHttpHeaders;
  readonly rawHeaders?: readonly string[];
}

/** The `cnf.jkt` of verified claims, or `undefined` when the token is not DPoP-bound. */
export function boundJkt(claims: object): string | undefined {
  const cnf = ownMember(claims, 'cnf');
  if (typeof cnf !== 'object' || cnf === null) return undefined;
  const jkt = ownMember(cnf, 'jkt');
  return typeof jkt === 'string' ? jkt : undefined;
}

/** True when a verified token carries any `cnf` (a confirmation a Bearer request cannot satisfy). */
export function hasConfirmation(claims: object): boolean {
  return ownMember(claims, 'cnf') !== undefined;
}

/**
 * Checks the proof of a request that presented `token` (already verified, bound to `jkt`) with `Authorization:
 * DPoP`: exactly one `DPoP` header, the proof rules of core, the proof key = `cnf.jkt`, then its single use in the
 * replay store. Resolves with the proof; rejects with a {@link VerifierError} carrying the DPoP challenge.
 */
export async function checkDpopProof(
  dpop: ResolvedDpop,
  req: DpopRequest,
  token: string,
  jkt: string,
  nowMs: number,
  realm: string | undefined,
): Promise<VerifiedDpopProof> {
  const proofHeader = req.headers.dpop;
  const refuse = (description: string, cause: unknown) =>
    new VerifierError('invalid_dpop_proof', { realm, description, cause, dpop: dpop.challenge });
  if (typeof proofHeader !== 'string' || countHeader(req.rawHeaders, 'dpop') !== 1)
    throw refuse('Exactly one DPoP proof header is required', 'DPoP header missing or repeated');
  const path = req.originalUrl;
  if (typeof path !== 'string' || !path.startsWith('/'))
    throw refuse('The DPoP proof is invalid', 'request target is not a path');
  const expected: DpopProofExpectation = {
    method: req.method,
    url: `${dpop.publicOrigin}${path}`,
    accessToken: token,
    algorithms: dpop.algorithms,
    nowSeconds: nowMs / 1000,
    iatWindowSeconds: dpop.iatWindowSeconds,
    leewaySeconds: dpop.leewaySeconds,
    nonce: dpop.nonces,
  };
  let proof: VerifiedDpopProof;
  try {
    proof = verifyDpopProof(proofHeader, expected);
  } catch (error) {
    if (isDpopProofError(error) && error.code === 'use_dpop_nonce' && dpop.nonces !== undefined)
      throw new VerifierError('use_dpop_nonce', {
        realm,
        cause: error,
        dpop: { ...dpop.challenge, nonce: dpop.nonces.issue(nowMs / 1000) },
      });
    throw refuse('The DPoP proof is invalid', error);
  }
  if (proof.jkt !== jkt)
    throw new VerifierError('invalid_token', {
      realm,
      description: 'The DPoP proof key is not the key the access token is bound to',
      cause: 'proof jkt differs from cnf.jkt',
      dpop: dpop.challenge,
    });
  let first: boolean;
  try {
    first = await useDpopProofOnce(dpop, proof);
  } catch (error) {
    throw new VerifierError('dpop_replay_unavailable', {
      cause: error,
      retryAfterSeconds: (error as { retryAfterSeconds?: number }).retryAfterSeconds,
    });
  }
  if (!first) throw refuse('The DPoP proof was already used', 'replayed jti');
  return proof;
}
