/** The services the demo started, however it started them. */
export type RunningDemo = Readonly<{
  /** Signs an already-expired token with the issuer's active key (for the tour's token_expired step). */
  mintExpiredToken: (sub: string, scope: string) => Promise<string>;
  /** Stops every service (and child process) the demo started. */
  stop: () => Promise<void>;
}>;
