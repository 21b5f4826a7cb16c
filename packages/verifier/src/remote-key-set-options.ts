import type { Logger } from './logger.js';
import type { AccessTokenAlgorithm } from './access-token-verifier-options.js';

/** Options of {@link createRemoteKeySet}. */
export type RemoteKeySetOptions = Readonly<{
  /** The issuer's JWKS URL (https; http only for 127.0.0.1, ::1, localhost unless `allowInsecureHttp`). Never taken from a token. */
  jwksUri: string | URL;
  /** Pinned algorithms: each key is bound to one of them (its own `alg`, or the only pinned one of its key type); other keys are skipped. @default ['RS256'] */
  algorithms?: readonly AccessTokenAlgorithm[];
  /** Lower clamp of the response's `Cache-Control: max-age` (at least 1_000), and the cache age when the response gives none. @default 60_000 */
  minCacheMs?: number;
  /** Upper clamp of `max-age`: bounds how long a withdrawn (compromised) key is still served. @default 600_000 */
  maxCacheMs?: number;
  /** Fraction of the cache age after which a background refresh starts, so warm requests never wait. @default 0.8 */
  refreshRatio?: number;
  /** An unknown kid triggers a refetch only when no other unknown kid did within this window (flood protection); background refreshes do not count. @default 30_000 */
  cooldownMs?: number;
  /** How long past its cache age the last good set is still served while fetches fail; then no key is served. @default 86_400_000 */
  maxStaleMs?: number;
  /** Time limit of one fetch, headers and body together. @default 5_000 */
  timeoutMs?: number;
  /** Largest accepted response body (decompressed), enforced while streaming. @default 65_536 */
  maxResponseBytes?: number;
  /** Largest number of keys (of any type) a set may hold; a larger set is refused as a whole. @default 32 */
  maxKeys?: number;
  /** Allow plain http to hosts other than loopback. @default false */
  allowInsecureHttp?: boolean;
  /**
   * Cap of the wait after the first failed fetch; the cap doubles with each consecutive failure and the
   * actual wait is uniformly random in `[0, cap]` (full jitter), so replicas do not hit a recovering issuer
   * in the same instant. @default 1_000
   */
  backoffInitialMs?: number;
  /** Largest cap of the (jittered) wait between failed fetches. @default 60_000 */
  backoffMaxMs?: number;
  /** Clock in milliseconds (inject one in tests). @default Date.now */
  now?: () => number;
  /** pino/bunyan-shaped logger: fetch failures, recovery, staleness and key changes, once per change. @default silent */
  logger?: Logger;
}>;
