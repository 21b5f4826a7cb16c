import type { Response } from 'express';

/** A refusal of an OAuth endpoint (RFC 6749 §5.2 error response), rendered by {@link sendOAuthError}. */
export class OAuthEndpointError extends Error {
  override readonly name = 'OAuthEndpointError';
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(description);
  }
}

/** Answers `{ error, error_description }` with the error's status and headers, never cached. */
export function sendOAuthError(res: Response, failure: OAuthEndpointError): void {
  res.status(failure.status).set({ 'Cache-Control': 'no-store', ...failure.headers });
  res.json({ error: failure.error, error_description: failure.description });
}
