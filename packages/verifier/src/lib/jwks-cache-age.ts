const MAX_DELTA_SECONDS = 2 ** 31;

/**
 * Freshness lifetime of a response in milliseconds from its `Cache-Control` (`max-age`, less `Age`),
 * 0 for `no-store` / `no-cache`, `undefined` when the header gives none. Unparsable values are ignored;
 * with several `max-age` directives the smallest wins.
 */
export function jwksCacheAgeMs(headers: Headers): number | undefined {
  const cacheControl = headers.get('cache-control');
  if (!cacheControl) return undefined;
  let maxAgeSeconds: number | undefined;
  for (const directive of cacheControl.split(',')) {
    const eq = directive.indexOf('=');
    const name = (eq === -1 ? directive : directive.slice(0, eq)).trim().toLowerCase();
    if (name === 'no-store' || name === 'no-cache') return 0;
    if (name !== 'max-age' || eq === -1) continue;
    const seconds = parseDeltaSeconds(
      directive
        .slice(eq + 1)
        .trim()
        .replace(/^"(.*)"$/, '$1'),
    );
    if (seconds !== undefined) maxAgeSeconds = Math.min(maxAgeSeconds ?? seconds, seconds);
  }
  if (maxAgeSeconds === undefined) return undefined;
  const ageSeconds = parseDeltaSeconds(headers.get('age')?.trim() ?? '') ?? 0;
  return Math.max(0, maxAgeSeconds - ageSeconds) * 1000;
}

function parseDeltaSeconds(text: string): number | undefined {
  if (!/^\d{1,12}$/.test(text)) return undefined;
  return Math.min(Number(text), MAX_DELTA_SECONDS);
}
