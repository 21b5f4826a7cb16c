import { errorCode, type Reply } from './http-client.js';

/** Thrown inside a step when what happened is not what the step expects (the message says what happened). */
export class StepFailed extends Error {}

/** Runs one tour step: prints `title` with what happened, counts it as passed when it is `expected`. */
export type Step = <T>(
  title: string,
  expected: string,
  run: () => Promise<{ got: string; value: T }>,
) => Promise<T | undefined>;

/** A reply as the tour prints it: the status, and the error code of a refusal (`401 token_revoked`). */
export function describeReply(reply: Reply): string {
  const code = errorCode(reply);
  return code && reply.status >= 400 ? `${reply.status} ${code}` : String(reply.status);
}

/** A step result printing the reply. */
export const expectReply = <R extends Reply>(reply: R): { got: string; value: R } => ({
  got: describeReply(reply),
  value: reply,
});
