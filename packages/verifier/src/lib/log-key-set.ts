import type { Logger } from '../logger.js';
import type { RemoteKeySet } from '../remote-key-set.js';

/**
 * Logs a key set's state changes, once each: the first failed fetch (warn while the last good keys serve,
 * error when there are none), the recovery (info), going stale (error: no key served), and the kids that
 * came or left (info, a rotation). Repeated failures and per-request misses are not logged.
 */
export function logKeySet(keySet: RemoteKeySet, logger: Logger): void {
  const jwksUri = keySet.jwksUri.href;
  let failing = false;
  let kids = new Set<string>();
  keySet.on('fetchFailed', (error) => {
    if (failing) return;
    failing = true;
    const fields = { jwksUri, err: error, code: error.code };
    if (kids.size > 0) logger.warn(fields, 'JWKS fetch failed; serving the last good keys');
    else logger.error(fields, 'JWKS fetch failed; no signing key available (requests get 503 keys_unavailable)');
  });
  keySet.on('stale', (event) => {
    kids = new Set();
    logger.error(
      { jwksUri, err: event.error, lastSuccessAtMs: event.lastSuccessAtMs },
      'JWKS stale past maxStaleMs; no key served until a fetch succeeds',
    );
  });
  keySet.on('fetched', (event) => {
    if (failing) logger.info({ jwksUri, kids: event.kids }, 'JWKS fetch recovered');
    failing = false;
    const next = new Set(event.kids);
    const added = event.kids.filter((kid) => !kids.has(kid));
    const removed = [...kids].filter((kid) => !next.has(kid));
    if (added.length > 0 || removed.length > 0)
      logger.info({ jwksUri, added, removed, skipped: event.skipped }, 'JWKS keys changed');
    kids = next;
  });
}
