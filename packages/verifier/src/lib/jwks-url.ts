const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** True when `url` may be fetched: https, or http on a loopback host (or anywhere when `allowInsecureHttp`). */
export function isAllowedJwksUrl(url: URL, allowInsecureHttp: boolean): boolean {
  if (url.protocol === 'https:') return true;
  if (url.protocol !== 'http:') return false;
  return allowInsecureHttp || LOOPBACK_HOSTS.has(url.hostname);
}

/**
 * Parses an option holding a URL the key cache will fetch, throwing a TypeError that names the option
 * when it is not an absolute https URL (http only on 127.0.0.1, ::1 or localhost unless `allowInsecureHttp`),
 * or carries credentials.
 */
export function parseJwksUrlOption(value: unknown, optionName: string, allowInsecureHttp: boolean): URL {
  if (typeof value !== 'string' && !(value instanceof URL)) {
    throw new TypeError(`option \`${optionName}\` must be a URL string or a URL`);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`option \`${optionName}\` is not an absolute URL`);
  }
  if (url.username || url.password) throw new TypeError(`option \`${optionName}\` must not carry credentials`);
  if (!isAllowedJwksUrl(url, allowInsecureHttp)) {
    throw new TypeError(
      `option \`${optionName}\` must use https (http is allowed only for 127.0.0.1, ::1 and localhost unless \`allowInsecureHttp\` is set)`,
    );
  }
  return url;
}
