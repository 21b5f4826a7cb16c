/** The parts of a request the origin rule reads (a Node `IncomingMessage` or an Express `Request` fits). */
export interface OriginRuleRequest {
  readonly method?: string;
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
}

const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The CSRF rule of every cookie-authenticated endpoint in jwks-kit: safe methods (GET, HEAD, OPTIONS)
 * pass. For any other method a present `Origin` decides alone and must be exactly one of `allowedOrigins`
 * (`null` never is); `Sec-Fetch-Site` counts only when `Origin` is absent, and then only `same-origin`
 * passes; with neither header the request is refused. The expected origins come from configuration,
 * never from the request's `Host`, which an attacker's client can set.
 */
export function isAllowedOrigin(req: OriginRuleRequest, allowedOrigins: ReadonlySet<string>): boolean {
  if (req.method !== undefined && SAFE_METHODS.has(req.method)) return true;
  const origin = req.headers.origin;
  if (origin !== undefined) return typeof origin === 'string' && allowedOrigins.has(origin);
  return req.headers['sec-fetch-site'] === 'same-origin';
}

/**
 * Checks an `allowedOrigins` option: an array of exact origins (`https://app.example.com`: scheme, host,
 * optional port; no path, no trailing slash). Returns them as a set; throws a TypeError naming the option.
 */
export function parseAllowedOriginsOption(value: unknown, optionName = 'allowedOrigins'): ReadonlySet<string> {
  if (!Array.isArray(value)) throw new TypeError(`option \`${optionName}\` must be an array of origins`);
  for (const origin of value) {
    if (typeof origin !== 'string' || !URL.canParse(origin) || new URL(origin).origin !== origin) {
      throw new TypeError(
        `option \`${optionName}\` must hold origins such as https://app.example.com (scheme, host, optional port; no path)`,
      );
    }
  }
  return new Set(value as string[]);
}
