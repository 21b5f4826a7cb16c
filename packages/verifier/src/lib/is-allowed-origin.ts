import type { IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';

/** The parts of a request the cookie CSRF check reads. */
export interface OriginRequest {
  readonly method?: string;
  readonly headers: IncomingHttpHeaders;
  /** Express's `req.protocol` (honours `trust proxy`); plain Node requests use the socket. */
  readonly protocol?: string;
  readonly socket?: Socket;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF check of a cookie-authenticated request: safe methods pass; any other method needs
 * `Sec-Fetch-Site: same-origin`, or an `Origin` that equals the request's own origin or is allow-listed.
 * A request with neither header is refused.
 */
export function isAllowedOrigin(req: OriginRequest, allowedOrigins: ReadonlySet<string>): boolean {
  if (req.method !== undefined && SAFE_METHODS.has(req.method)) return true;
  if (req.headers['sec-fetch-site'] === 'same-origin') return true;
  const origin = req.headers.origin;
  if (typeof origin !== 'string' || origin === 'null') return false;
  if (allowedOrigins.has(origin)) return true;
  const host = req.headers.host;
  if (host === undefined) return false;
  const protocol = req.protocol ?? ((req.socket as { encrypted?: boolean } | undefined)?.encrypted ? 'https' : 'http');
  return origin.toLowerCase() === `${protocol}://${host}`.toLowerCase();
}
