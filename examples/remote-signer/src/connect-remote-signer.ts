import { createRemoteSigner, IssuerError, type RemoteSigner } from '@jwks-kit/issuer';
import { authorizationFor } from './request-mac.js';

/** Options of {@link connectRemoteSigner}. */
export type ConnectRemoteSignerOptions = Readonly<{
  /** Base URL of the signing service, e.g. `https://signer.internal:4010` (https outside one host). */
  url: string;
  /** The 32-byte secret shared with the signing service. */
  clientSecret: Uint8Array;
  /** Bound of each request to the signing service. @default 5000 */
  timeoutMs?: number;
  /** Clock in ms since the epoch (the MAC's timestamp). @default Date.now */
  now?: () => number;
}>;

/**
 * The auth service's side: fetches the signing service's public JWK once (authenticated), then returns
 * a {@link RemoteSigner} whose `sign()` is one authenticated `POST /sign`. `createRemoteSigner` names the
 * key by its thumbprint, checks every signature against that public key, and probes once now: a signing
 * service that is down, refuses our MAC or holds another key stops the caller with `ERR_SIGNER_UNAVAILABLE`
 * or `ERR_SIGNATURE_INVALID`, never with a key of its own.
 */
export async function connectRemoteSigner(options: ConnectRemoteSignerOptions): Promise<RemoteSigner> {
  const base = options.url.replace(/\/$/, '');
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 5000;
  const call = async (method: 'GET' | 'POST', path: string, body: string, signal: AbortSignal): Promise<unknown> => {
    const bytes = Buffer.from(body);
    const authorization = authorizationFor(options.clientSecret, {
      method,
      path,
      body: bytes,
      nowSeconds: Math.floor(now() / 1000),
    });
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization, ...(method === 'POST' ? { 'content-type': 'application/json' } : {}) },
      body: method === 'POST' ? bytes : undefined,
      redirect: 'error',
      signal,
    });
    if (!res.ok) throw new Error(`signing service answered ${res.status} to ${method} ${path}`);
    return res.json();
  };
  let publicJwk: unknown;
  try {
    publicJwk = ((await call('GET', '/public-key', '', AbortSignal.timeout(timeoutMs))) as { publicJwk?: unknown })
      .publicJwk;
  } catch (error) {
    throw new IssuerError('ERR_SIGNER_UNAVAILABLE', `the signing service at ${base} did not give its public key`, {
      cause: error,
    });
  }
  return createRemoteSigner({
    publicJwk: publicJwk as Record<string, unknown>,
    timeoutMs,
    sign: async (signingInput, { signal }) => {
      const body = JSON.stringify({ signingInput: Buffer.from(signingInput).toString('base64url') });
      const { signature } = (await call('POST', '/sign', body, signal)) as { signature?: unknown };
      if (typeof signature !== 'string') throw new Error('signing service answered without a signature');
      return Buffer.from(signature, 'base64url');
    },
  });
}
