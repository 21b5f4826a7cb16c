/** What an {@link HttpError} renders. */
export type HttpErrorInit = Readonly<{
  /** OAuth error name sent as `error`, e.g. `invalid_request`, `invalid_grant`. */
  error: string;
  /** Specific machine code sent as `code`; defaults to `error`, e.g. `refresh_token_reused`. */
  code?: string;
  /** Fixed human text sent as `error_description`; never built from the caller's input. */
  description: string;
  /** Extra response headers, e.g. `Retry-After`. */
  headers?: Readonly<Record<string, string>>;
}>;

/** An error an example route answers with, as `{ error, code, error_description }` (same shape as the verifier's). */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  /** HTTP status. */
  readonly status: number;
  /** OAuth error name. */
  readonly error: string;
  /** Specific machine code. */
  readonly code: string;
  /** Extra response headers. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, init: HttpErrorInit) {
    super(init.description);
    this.status = status;
    this.error = init.error;
    this.code = init.code ?? init.error;
    this.headers = init.headers ?? {};
  }
}
