/** The configured origin every origin vector is checked against. */
export const VECTOR_ALLOWED_ORIGIN = 'https://app.example.com';

/** One origin / CSRF case every cookie-authenticated path must decide the same way. */
export interface OriginVector {
  readonly name: string;
  readonly method: string;
  /** Request headers besides the cookie (lower-case names). */
  readonly headers: Readonly<Record<string, string>>;
  readonly expected: 'allowed' | 'refused';
}

/**
 * The origin rule's table (allowed origin: {@link VECTOR_ALLOWED_ORIGIN}): a present Origin decides and must be
 * configured; Sec-Fetch-Site counts only without Origin; neither on an unsafe method is refused; Host never counts.
 */
export const ORIGIN_VECTORS: readonly OriginVector[] = Object.freeze<OriginVector[]>([
  {
    name: 'POST from the configured origin',
    method: 'POST',
    headers: { origin: VECTOR_ALLOWED_ORIGIN },
    expected: 'allowed',
  },
  {
    name: 'POST from the configured origin, Sec-Fetch-Site same-site',
    method: 'POST',
    headers: { origin: VECTOR_ALLOWED_ORIGIN, 'sec-fetch-site': 'same-site' },
    expected: 'allowed',
  },
  {
    name: 'cross-site Origin with Sec-Fetch-Site: same-origin',
    method: 'POST',
    headers: { origin: 'https://evil.example', 'sec-fetch-site': 'same-origin' },
    expected: 'refused',
  },
  {
    name: 'Origin equal to a forged Host',
    method: 'POST',
    headers: { origin: 'http://evil.example', host: 'evil.example' },
    expected: 'refused',
  },
  {
    name: 'Origin null',
    method: 'POST',
    headers: { origin: 'null', 'sec-fetch-site': 'same-origin' },
    expected: 'refused',
  },
  {
    name: 'Origin with another case',
    method: 'POST',
    headers: { origin: 'HTTPS://APP.EXAMPLE.COM' },
    expected: 'refused',
  },
  {
    name: 'Origin with a trailing slash',
    method: 'POST',
    headers: { origin: `${VECTOR_ALLOWED_ORIGIN}/` },
    expected: 'refused',
  },
  {
    name: 'Origin on another port',
    method: 'DELETE',
    headers: { origin: `${VECTOR_ALLOWED_ORIGIN}:8443` },
    expected: 'refused',
  },
  {
    name: 'no Origin, Sec-Fetch-Site: same-origin',
    method: 'POST',
    headers: { 'sec-fetch-site': 'same-origin' },
    expected: 'allowed',
  },
  {
    name: 'no Origin, Sec-Fetch-Site: same-site',
    method: 'POST',
    headers: { 'sec-fetch-site': 'same-site' },
    expected: 'refused',
  },
  {
    name: 'no Origin, Sec-Fetch-Site: cross-site',
    method: 'POST',
    headers: { 'sec-fetch-site': 'cross-site' },
    expected: 'refused',
  },
  {
    name: 'no Origin, Sec-Fetch-Site: none',
    method: 'POST',
    headers: { 'sec-fetch-site': 'none' },
    expected: 'refused',
  },
  { name: 'neither Origin nor Sec-Fetch-Site', method: 'POST', headers: {}, expected: 'refused' },
  { name: 'neither, on PUT', method: 'PUT', headers: {}, expected: 'refused' },
]);

/** One Cookie-header case every cookie reader must decide the same way. */
export interface CookieVector {
  readonly name: string;
  /** The Cookie header; `{value}` stands for a valid token the caller fills in. */
  readonly header: string;
  readonly expected: 'read' | 'absent' | 'repeated';
}

/**
 * The cookie reader's table for a cookie named `{name}` (callers substitute their cookie name and a
 * valid token for `{value}`): a repeated cookie is refused, never "first one wins".
 */
export const COOKIE_VECTORS: readonly CookieVector[] = Object.freeze<CookieVector[]>([
  { name: 'the cookie alone', header: '{name}={value}', expected: 'read' },
  { name: 'the cookie among others', header: 'theme=dark; {name}={value}; lang=en', expected: 'read' },
  { name: 'the cookie quoted', header: '{name}="{value}"', expected: 'read' },
  { name: 'the cookie repeated (cookie tossing)', header: '{name}=tossed; {name}={value}', expected: 'repeated' },
  { name: 'the cookie repeated with the same value', header: '{name}={value}; {name}={value}', expected: 'repeated' },
  { name: 'only a cookie whose name ends with the name', header: 'x{name}={value}', expected: 'absent' },
  { name: 'no cookie of that name', header: 'theme=dark', expected: 'absent' },
]);

/** A vector's Cookie header for cookie `name` carrying `value`. */
export function cookieHeader(vector: CookieVector, name: string, value: string): string {
  return vector.header.replaceAll('{name}', name).replaceAll('{value}', value);
}
