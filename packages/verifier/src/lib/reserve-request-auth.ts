import type { IncomingMessage } from 'node:http';

/** A server as `req.socket.server` holds it: what prepending a `request` listener needs. */
interface RequestEmitter {
  prependListener(event: 'request', listener: (req: IncomingMessage) => void): unknown;
}

/** Servers whose requests already get `auth` before any other `request` listener runs. */
const reservedServers = new WeakSet<object>();

/** The prepended listener: `auth` becomes an own property while the request still shares Node's hidden class. */
function declareAuth(req: IncomingMessage): void {
  (req as { auth?: unknown }).auth = undefined;
}

/**
 * Makes every later request of the server `req` came through carry `auth` (as `undefined`) before Express sees it,
 * by prepending one `request` listener to `req.socket.server` (once per server). Express 5 calls
 * `Object.setPrototypeOf(req, app.request)` on each request, after which V8 gives every property added to that
 * request a hidden class of its own: adding `auth` there copies the request's whole property table, on every
 * request. Storing into an `auth` the request already has copies nothing (`bench/README.md`, Stop 34).
 * Answers whether the server was found (reserved now or before); `false` for a request without one.
 */
export function reserveRequestAuth(req: IncomingMessage): boolean {
  const server = (req.socket as { server?: unknown } | null | undefined)?.server;
  if (typeof server !== 'object' || server === null) return false;
  if (reservedServers.has(server)) return true;
  if (typeof (server as Partial<RequestEmitter>).prependListener !== 'function') return false;
  reservedServers.add(server);
  (server as RequestEmitter).prependListener('request', declareAuth);
  return true;
}
