/** Characters RFC 3986 §2.3 calls unreserved: a percent-encoding of one of them is decoded (§6.2.2.2). */
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

/**
 * The form in which a DPoP `htu` is compared (RFC 9449 §4.3 point 9, RFC 3986 §6.2.2 and §6.2.3):
 * scheme and host in lower case, the default port dropped, an empty path as `/`, dot segments removed,
 * percent-encodings in upper case and unreserved characters decoded; no query, no fragment. Only
 * `http:` and `https:` URLs without user information; throws a TypeError for anything else.
 *
 * A resource server builds the URL of a request from its **configured public origin** and the
 * request path, never from the `Host` header.
 */
export function dpopHtu(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError('dpopHtu needs an absolute URL');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw new TypeError('dpopHtu needs an http: or https: URL');
  if (parsed.username !== '' || parsed.password !== '') throw new TypeError('dpopHtu refuses user information');
  const path = parsed.pathname.replace(/%[0-9A-Fa-f]{2}/g, (escape) => {
    const char = String.fromCharCode(Number.parseInt(escape.slice(1), 16));
    return UNRESERVED.test(char) ? char : escape.toUpperCase();
  });
  return `${parsed.origin}${path}`;
}
