import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { accessTokenHash, dpopHtu, jwkThumbprint } from '@jwks-kit/core';
import { send, type Reply, type RequestOptions } from './http-client.js';

/** The proof algorithms the demo client can hold a key for. */
export type DpopClientAlgorithm = 'ES256' | 'EdDSA';

/** Options of {@link createDpopClient}. */
export type DpopClientOptions = Readonly<{
  /** Algorithm of the client's key pair (P-256 or Ed25519). @default 'ES256' */
  alg?: DpopClientAlgorithm;
  /** Clock in ms since the epoch, for the proofs' `iat`. @default Date.now */
  now?: () => number;
}>;

/** Options of one DPoP request: the usual request options, plus what the proof covers. */
export type DpopRequestOptions = Omit<RequestOptions, 'token'> &
  Readonly<{
    /** A DPoP-bound access token: sent as `Authorization: DPoP <token>`, its hash in the proof's `ath`. */
    accessToken?: string;
    /**
     * Origin the request is actually sent to when it differs from `url`'s (one replica behind the public
     * origin a load balancer would answer on). The proof's `htu` is always `url`: what the client asked for.
     */
    viaOrigin?: string;
  }>;

/** Builds one proof; exposed so that the tour can replay a proof or send one made for another request. */
export type DpopProofRequest = Readonly<{ method: string; url: string; accessToken?: string; nonce?: string }>;

/** A client holding one key pair: signs a fresh DPoP proof (RFC 9449 §4) for every request. */
export interface DpopClient {
  /** The algorithm of the key. */
  readonly alg: DpopClientAlgorithm;
  /** The public key as a JWK (what each proof's header carries). */
  readonly publicJwk: Readonly<Record<string, unknown>>;
  /** RFC 7638 thumbprint of the public key: the `cnf.jkt` a bound token must carry. */
  readonly jkt: string;
  /** A fresh proof (new `jti`, `iat` now) for `method url`, with `ath` when an access token is given. */
  proof(request: DpopProofRequest): string;
  /**
   * Sends one request with a fresh proof (and `Authorization: DPoP` when `accessToken` is given). When the
   * server asks for a nonce (`use_dpop_nonce` with a `DPoP-Nonce` header) it retries once with a new proof
   * carrying it; a nonce a server sent is remembered for its origin and put in the next proofs.
   */
  send(method: string, url: string, options?: DpopRequestOptions): Promise<DpopReply>;
  /** Sends one request with the given proof as is (no retry): how the tour replays a proof or sends a wrong one. */
  sendWithProof(method: string, url: string, proof: string, options?: DpopRequestOptions): Promise<DpopReply>;
}

/** A reply, and the proof the request carried (the last one, after a nonce retry). */
export type DpopReply = Reply & Readonly<{ proof: string }>;

const b64uJson = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

function generateKey(alg: DpopClientAlgorithm): { privateKey: KeyObject; publicKey: KeyObject } {
  return alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519');
}

/** Whether a reply asks for a (new) nonce: 401 `WWW-Authenticate: DPoP error="use_dpop_nonce"` or 400 `use_dpop_nonce`. */
function asksForNonce(reply: Reply): boolean {
  if (reply.status === 401) return /^DPoP\b.*error="use_dpop_nonce"/i.test(reply.headers.get('www-authenticate') ?? '');
  const body = reply.body as { error?: unknown } | undefined;
  return reply.status === 400 && body?.error === 'use_dpop_nonce';
}

/** Creates a DPoP client with a new key pair (private key kept in this object, never exported). */
export function createDpopClient(options: DpopClientOptions = {}): DpopClient {
  const alg = options.alg ?? 'ES256';
  if (alg !== 'ES256' && alg !== 'EdDSA') throw new TypeError("option `alg` must be 'ES256' or 'EdDSA'");
  const now = options.now ?? Date.now;
  const { privateKey, publicKey } = generateKey(alg);
  const exported = publicKey.export({ format: 'jwk' });
  const publicJwk: Readonly<Record<string, unknown>> = Object.freeze(
    alg === 'ES256'
      ? { kty: exported.kty, crv: exported.crv, x: exported.x, y: exported.y }
      : { kty: exported.kty, crv: exported.crv, x: exported.x },
  );
  const header = b64uJson({ typ: 'dpop+jwt', alg, jwk: publicJwk });
  /** The last nonce each origin sent (`DPoP-Nonce`), used in the next proofs for it. */
  const nonces = new Map<string, string>();

  const proof = ({ method, url, accessToken, nonce }: DpopProofRequest): string => {
    const payload = b64uJson({
      jti: randomBytes(16).toString('base64url'),
      htm: method,
      htu: dpopHtu(url),
      iat: Math.floor(now() / 1000),
      ...(accessToken === undefined ? {} : { ath: accessTokenHash(accessToken) }),
      ...(nonce === undefined ? {} : { nonce }),
    });
    const signingInput = `${header}.${payload}`;
    const signature =
      alg === 'ES256'
        ? sign('sha256', Buffer.from(signingInput), { key: privateKey, dsaEncoding: 'ieee-p1363' })
        : sign(null, Buffer.from(signingInput), privateKey);
    return `${signingInput}.${signature.toString('base64url')}`;
  };

  const sendWithProof = async (
    method: string,
    url: string,
    dpop: string,
    options: DpopRequestOptions = {},
  ): Promise<DpopReply> => {
    const { accessToken, viaOrigin, headers, ...rest } = options;
    const target = new URL(url);
    const sendTo = viaOrigin === undefined ? url : new URL(target.pathname + target.search, viaOrigin).href;
    const reply = await send(method, sendTo, {
      ...rest,
      headers: { ...headers, dpop, ...(accessToken === undefined ? {} : { authorization: `DPoP ${accessToken}` }) },
    });
    const nonce = reply.headers.get('dpop-nonce');
    if (nonce) nonces.set(target.origin, nonce);
    return { ...reply, proof: dpop };
  };
  const sendOnce = (method: string, url: string, options: DpopRequestOptions): Promise<DpopReply> => {
    const dpop = proof({ method, url, accessToken: options.accessToken, nonce: nonces.get(new URL(url).origin) });
    return sendWithProof(method, url, dpop, options);
  };

  return {
    alg,
    publicJwk,
    jkt: jwkThumbprint(publicJwk),
    proof,
    async send(method, url, options = {}) {
      const reply = await sendOnce(method, url, options);
      if (!asksForNonce(reply) || !reply.headers.get('dpop-nonce')) return reply;
      return sendOnce(method, url, options);
    },
    sendWithProof,
  };
}
