/** Options of `createRefreshHandler` and `createLogoutHandler`. */
export type SessionHandlerOptions = Readonly<{
  /**
   * Path of the refresh cookie. Mount both handlers at or below it (e.g. `/auth` with
   * `POST /auth/refresh` and `POST /auth/logout`): the browser sends the cookie nowhere else.
   */
  refreshPath: string;
  /** Secure cookies with prefixed names; `auto`: when the request is https or to localhost. @default 'auto' */
  secure?: boolean | 'auto';
  /** Origins that may send cookie-authenticated requests, e.g. `https://app.example.com`: list the page's own origin too (the request's `Host` never counts). @default [] */
  allowedOrigins?: readonly string[];
  /** Retry-After (seconds) of the 503 answered when the store is unavailable. @default 5 */
  retryAfterSeconds?: number;
  /** Largest request body read when no body parser ran before the handler. @default 4096 */
  maxBodyBytes?: number;
  /** Clock in milliseconds since the epoch. @default Date.now */
  now?: () => number;
}>;
