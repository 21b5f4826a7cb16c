/** What {@link readCookie} found. */
export type CookieRead =
  | { readonly kind: 'absent' }
  | { readonly kind: 'value'; readonly value: string }
  /** The name appears more than once (cookie tossing from a sibling subdomain or another path): refuse the request. */
  | { readonly kind: 'repeated' };

const ABSENT: CookieRead = Object.freeze({ kind: 'absent' });
const REPEATED: CookieRead = Object.freeze({ kind: 'repeated' });

/**
 * Reads cookie `name` from a `Cookie` header: exact name match, surrounding quotes removed,
 * percent-decoding as cookie-parser does (a value that does not decode is kept as sent). A name that
 * appears twice is `repeated`, never "the first one": which copy comes first is the attacker's choice.
 */
export function readCookie(header: string | undefined, name: string): CookieRead {
  if (header === undefined || header.indexOf(name) === -1) return ABSENT;
  let found: string | undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq === -1 || pair.slice(0, eq).trim() !== name) continue;
    if (found !== undefined) return REPEATED;
    found = pair.slice(eq + 1).trim();
  }
  if (found === undefined) return ABSENT;
  if (found.length >= 2 && found.startsWith('"') && found.endsWith('"')) found = found.slice(1, -1);
  if (found.includes('%')) {
    try {
      found = decodeURIComponent(found);
    } catch {
      // kept as sent
    }
  }
  return { kind: 'value', value: found };
}
