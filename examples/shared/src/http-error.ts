/** An error an example route answers with: fixed public text, never the caller's input. */
export class HttpError extends Error {
  /** HTTP status. */
  readonly status: number;
  /** OAuth-style error code sent as `error`, e.g. `invalid_request`. */
  readonly code: string;
  /** Extra response headers, e.g. `Retry-After`. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, code: string, description: string, headers: Readonly<Record<string, string>> = {}) {
    super(description);
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}
