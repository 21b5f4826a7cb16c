import { createHmac } from 'node:crypto';

/** Server-provided DPoP nonces (RFC 9449 §8, §9): see {@link createDpopNonces}. */
export interface DpopNonces {
  /** The nonce of the time window of `nowSeconds` (what a `DPoP-Nonce` response header carries). */
  issue(nowSeconds: number): string;
  /** True when `nonce` is the nonce of the window of `nowSeconds` or of the window before it. */
  accepts(nonce: unknown, nowSeconds: number): boolean;
}

/** Options of {@link createDpopNonces}. */
export type DpopNoncesOptions = Readonly<{
  /** The key shared by every replica (at least 32 bytes, e.g. `randomBytes(32)`). Strings are refused. */
  secret: Uint8Array;
  /**
   * Length of a time window: a nonce is accepted during its own window and the next one.
   * @default 60
   */
  windowSeconds?: number;
}>;

/** Shortest nonce secret accepted (256 bits). */
export const MIN_DPOP_NONCE_SECRET_BYTES = 32;

const LABEL = 'jwks-kit dpop-nonce v1 ';

/**
 * Creates the nonce source of one service (or of an authorization server and its resource servers): a
 * nonce is the base64url HMAC-SHA-256 of its time window under `secret`, so every replica holding the
 * secret issues and accepts the same nonces without any per-client state or shared store. The two
 * accepted values are computed once per window, so `accepts` is two string comparisons.
 */
export function createDpopNonces(options: DpopNoncesOptions): DpopNonces {
  const { secret, windowSeconds = 60 } = options ?? ({} as DpopNoncesOptions);
  if (!(secret instanceof Uint8Array) || secret.length < MIN_DPOP_NONCE_SECRET_BYTES)
    throw new TypeError(
      `option \`secret\` must be a Uint8Array of at least ${MIN_DPOP_NONCE_SECRET_BYTES} bytes shared by the replicas`,
    );
  if (!Number.isInteger(windowSeconds) || windowSeconds < 1)
    throw new TypeError('option `windowSeconds` must be a positive integer');
  const key = Buffer.from(secret);
  const nonceOf = (window: number) => createHmac('sha256', key).update(`${LABEL}${window}`).digest('base64url');
  let cachedWindow = Number.NaN;
  let current = '';
  let previous = '';
  const windowAt = (nowSeconds: number): number => {
    const window = Math.floor(nowSeconds / windowSeconds);
    if (window !== cachedWindow) {
      previous = window === cachedWindow + 1 ? current : nonceOf(window - 1);
      current = nonceOf(window);
      cachedWindow = window;
    }
    return window;
  };
  return Object.freeze({
    issue(nowSeconds: number): string {
      windowAt(nowSeconds);
      return current;
    },
    accepts(nonce: unknown, nowSeconds: number): boolean {
      windowAt(nowSeconds);
      return typeof nonce === 'string' && (nonce === current || nonce === previous);
    },
  });
}
