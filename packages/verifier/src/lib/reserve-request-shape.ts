import type { IncomingMessage, ServerResponse } from 'node:http';

/** A server as `req.socket.server` holds it: what prepending a `request` listener needs. */
interface RequestEmitter {
  prependListener(event: 'request', listener: (req: IncomingMessage, res: ServerResponse) => void): unknown;
}

/**
 * What Express (4 and 5: `app.handle`, or `expressInit`, and the router) adds to every request after changing its
 * prototype, and to every response. Each is a plain data property there, never an accessor of Express's prototypes
 * (`req.query` is one in Express 5, so it is not listed: an own `query` would hide it).
 */
export const EXPRESS_REQUEST_MEMBERS = ['res', 'next', 'baseUrl', 'originalUrl', 'params', 'route'] as const;
/** What Express adds to every response: see {@link EXPRESS_REQUEST_MEMBERS}. */
export const EXPRESS_RESPONSE_MEMBERS = ['req', 'locals'] as const;

/** Servers whose requests already get their members before any other `request` listener runs. */
const reservedServers = new WeakSet<object>();

/** The listener for a server that is not (or not recognisably) Express: `auth` only. */
export function declareAuth(req: IncomingMessage): void {
  (req as { auth?: unknown }).auth = undefined;
}

/**
 * The listener for an Express server: `auth` and Express's own members, all `undefined`, while the request and the
 * response still share Node's hidden classes. Express then stores into members that exist (no new hidden class per
 * request), where adding them after `Object.setPrototypeOf` made a fresh, unshared hidden class on every request.
 * Written out member by member: each store is then a monomorphic one (the list above is the reference).
 */
export function declareExpressShape(req: IncomingMessage, res: ServerResponse): void {
  const request = req as unknown as Record<(typeof EXPRESS_REQUEST_MEMBERS)[number] | 'auth', unknown>;
  request.auth = undefined;
  request.res = undefined;
  request.next = undefined;
  request.baseUrl = undefined;
  request.originalUrl = undefined;
  request.params = undefined;
  request.route = undefined;
  const response = res as unknown as Record<(typeof EXPRESS_RESPONSE_MEMBERS)[number], unknown>;
  response.req = undefined;
  response.locals = undefined;
}

/**
 * Whether `req` and `res` are an Express request and response in the middle of the chain (`req.res`, `res.req`,
 * `req.next`, `res.locals` as Express sets them), and none of Express's members is inherited (an accessor on a
 * prototype would be hidden by an own member). Asked once per server, on its first request.
 */
export function isExpressShaped(req: object, res: object): boolean {
  const request = req as Partial<Record<string, unknown>>;
  const response = res as Partial<Record<string, unknown>>;
  if (request.res !== res || response.req !== req || typeof request.next !== 'function') return false;
  if (typeof response.locals !== 'object' || response.locals === null) return false;
  const requestPrototype = Object.getPrototypeOf(req) as object | null;
  const responsePrototype = Object.getPrototypeOf(res) as object | null;
  return (
    requestPrototype !== null &&
    responsePrototype !== null &&
    EXPRESS_REQUEST_MEMBERS.every((name) => !(name in requestPrototype)) &&
    EXPRESS_RESPONSE_MEMBERS.every((name) => !(name in responsePrototype))
  );
}

/**
 * Makes every later request of the server `req` came through carry its members before Express sees it, by
 * prepending one `request` listener to `req.socket.server` (once per server): {@link declareExpressShape} when
 * `req` and `res` are Express's ({@link isExpressShaped}), else {@link declareAuth}. Express 5 calls
 * `Object.setPrototypeOf(req, app.request)` on each request, after which V8 gives every property added to that
 * request a hidden class of its own, so every add copies the request's whole property table and every later load
 * meets a hidden class no inline cache has seen (`bench/README.md`, Stop 34 and Stop 36). Storing into members the
 * request already has copies nothing. Answers whether the server was found (reserved now or before); `false` for a
 * request without one.
 */
export function reserveRequestShape(req: IncomingMessage, res: object): boolean {
  const server = (req.socket as { server?: unknown } | null | undefined)?.server;
  if (typeof server !== 'object' || server === null) return false;
  if (reservedServers.has(server)) return true;
  if (typeof (server as Partial<RequestEmitter>).prependListener !== 'function') return false;
  reservedServers.add(server);
  (server as RequestEmitter).prependListener('request', isExpressShaped(req, res) ? declareExpressShape : declareAuth);
  return true;
}
