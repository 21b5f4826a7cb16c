/**
 * Exit codes of `jwks-kit`, stable for scripts:
 * - `0` ok: the command did what was asked (a token verified, a JWKS is healthy).
 * - `1` failure: the answer is "no" (token invalid or expired, JWKS has problems), or an unexpected error.
 * - `2` usage: unknown command or option, missing or bad argument, refused input (token in argv).
 * - `3` I/O: a file or directory cannot be read or written, a key file is corrupt or unsafe,
 *   a URL is unreachable or answers with something that is not a JWKS.
 */
export const ExitCode = {
  Ok: 0,
  Failure: 1,
  Usage: 2,
  Io: 3,
} as const;

/** One of the values of {@link ExitCode}. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
