/** Objects a {@link whilePrototypePolluted} count looks at by default: those carrying an own `marker` member. */
const hasMarker = (object: object): boolean => Object.hasOwn(object, 'marker');

/**
 * Runs `task` while `Object.prototype[name]` is a getter answering `answer()` (a process some other code polluted),
 * then removes it. Answers the task's outcome and how many times an object that `counted` picks (by default one with
 * an own `marker` member: the token, header or proof under test) asked its prototype for `name`.
 */
export async function whilePrototypePolluted<T>(
  name: string,
  answer: () => unknown,
  task: () => T | PromiseLike<T>,
  counted: (object: object) => boolean = hasMarker,
): Promise<{ outcome: T; reads: number }> {
  let reads = 0;
  Object.defineProperty(Object.prototype, name, {
    configurable: true,
    get(this: object) {
      if (counted(this)) reads += 1;
      return answer();
    },
  });
  try {
    const outcome = await task();
    return { outcome, reads };
  } finally {
    delete (Object.prototype as Record<string, unknown>)[name];
  }
}
