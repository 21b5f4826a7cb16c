import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** The `Authorization` scheme between the auth service and the signing service. */
export const MAC_SCHEME = 'Signer-HMAC-SHA256';

/** How far a request's timestamp may be from the signing service's clock. */
export const MAX_CLOCK_SKEW_SECONDS = 30;

/** What one request's MAC covers: its time, method, path and the SHA-256 of its body. */
export type MacInput = Readonly<{ method: string; path: string; body: Uint8Array; nowSeconds: number }>;

function mac(secret: Uint8Array, t: number, input: MacInput): Buffer {
  const bodyHash = createHash('sha256').update(input.body).digest('base64url');
  return createHmac('sha256', secret).update(`${t}\n${input.method}\n${input.path}\n${bodyHash}`).digest();
}

/**
 * The `Authorization` header value of a request to the signing service:
 * `Signer-HMAC-SHA256 t=<unix seconds>, mac=<base64url HMAC-SHA256 over t, method, path and the body's SHA-256>`,
 * under the secret both services share (32 random bytes).
 */
export function authorizationFor(secret: Uint8Array, input: MacInput): string {
  return `${MAC_SCHEME} t=${input.nowSeconds}, mac=${mac(secret, input.nowSeconds, input).toString('base64url')}`;
}

/**
 * Whether `header` authenticates this request: the scheme, a timestamp within
 * {@link MAX_CLOCK_SKEW_SECONDS} of `nowSeconds`, and a MAC equal (compared in constant time) to the one
 * over this method, path and body. A captured request replayed within the window only signs the same
 * input again, which gives its sender nothing it did not have.
 */
export function isAuthorized(secret: Uint8Array, header: string | undefined, input: MacInput): boolean {
  const match = /^Signer-HMAC-SHA256 t=(\d{1,12}), mac=([A-Za-z0-9_-]{43})$/.exec(header ?? '');
  if (!match) return false;
  const t = Number(match[1]);
  if (Math.abs(input.nowSeconds - t) > MAX_CLOCK_SKEW_SECONDS) return false;
  return timingSafeEqual(Buffer.from(match[2]!, 'base64url'), mac(secret, t, input));
}
