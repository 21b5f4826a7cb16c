/** Anything with the kit's event idiom: `on(event, listener)` answering the unsubscribe function. */
interface OnSource<Event extends string, Args extends readonly unknown[]> {
  on(event: Event, listener: (...args: Args) => void): () => void;
}

/** Resolves with the arguments of the next `event` of `source` (and unsubscribes): `events.once` for `on()` sources. */
export function nextEvent<Event extends string, Args extends readonly unknown[]>(
  source: OnSource<Event, Args>,
  event: Event,
): Promise<Args> {
  return new Promise((resolve) => {
    const off = source.on(event, (...args) => {
      off();
      resolve(args);
    });
  });
}
