import type { RequestHandler } from 'express';

/** Options of {@link cors}. */
export type CorsOptions = Readonly<{
  /** Exact origins (scheme://host:port) allowed to call with credentials. Anything else gets no CORS headers. */
  allowedOrigins: readonly string[];
  /** Methods announced to preflight requests. @default ['GET', 'POST'] */
  allowedMethods?: readonly string[];
  /** Request headers announced to preflight requests. @default ['Content-Type', 'Authorization'] */
  allowedHeaders?: readonly string[];
  /** How long a browser may cache a preflight answer, in seconds. @default 600 */
  maxAgeSeconds?: number;
}>;

/**
 * Tiny credentialed-CORS middleware: echoes `Origin` only when it is exactly one of the allowed origins
 * (never `*`, never a pattern), always sends `Vary: Origin`, and answers preflight requests with 204.
 * A disallowed origin gets no CORS headers, so the browser refuses to hand the response to the page.
 */
export function cors(options: CorsOptions): RequestHandler {
  if (!Array.isArray(options.allowedOrigins) || !options.allowedOrigins.every(isExactOrigin)) {
    throw new TypeError('allowedOrigins must be an array of exact origins such as "http://localhost:4000"');
  }
  const allowed = new Set(options.allowedOrigins);
  const methods = (options.allowedMethods ?? ['GET', 'POST']).join(', ');
  const headers = (options.allowedHeaders ?? ['Content-Type', 'Authorization']).join(', ');
  const maxAge = String(options.maxAgeSeconds ?? 600);
  return function corsMiddleware(req, res, next) {
    res.vary('Origin');
    const origin = req.headers.origin;
    const ok = typeof origin === 'string' && allowed.has(origin);
    if (ok) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
    }
    if (req.method === 'OPTIONS' && typeof req.headers['access-control-request-method'] === 'string') {
      if (ok) {
        res.setHeader('Access-Control-Allow-Methods', methods);
        res.setHeader('Access-Control-Allow-Headers', headers);
        res.setHeader('Access-Control-Max-Age', maxAge);
      }
      res.status(204).end();
      return;
    }
    next();
  };
}

function isExactOrigin(value: unknown): boolean {
  return typeof value === 'string' && URL.canParse(value) && new URL(value).origin === value;
}
