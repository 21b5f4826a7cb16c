import type { Request } from 'express';
import type { SessionHttpConfig } from './session-http-config.js';

/**
 * True when a cookie-authenticated request may proceed: `Sec-Fetch-Site: same-origin`, or an
 * Origin equal to the request's own origin or allow-listed. Anything else (no Origin either) fails closed.
 */
export function sameOriginOrAllowed(req: Request, config: SessionHttpConfig): boolean {
  if (req.headers['sec-fetch-site'] === 'same-origin') return true;
  const origin = req.headers.origin;
  if (typeof origin !== 'string' || origin === 'null') return false;
  if (config.allowedOrigins.has(origin)) return true;
  return typeof req.headers.host === 'string' && origin === `${req.protocol}://${req.headers.host}`;
}
