/** Event name → listener arguments, e.g. `{ change: []; error: [error: unknown] }` (an interface fits). */
export type EventMap<Events> = { readonly [E in keyof Events]: readonly unknown[] };

/** The subscribing half every emitter of the kit exposes: `on(event, listener)` answers its unsubscribe function. */
export interface EventSource<Events extends EventMap<Events>> {
  /** Calls `listener` on each `event` until the returned function is called. */
  on<E extends keyof Events & string>(event: E, listener: (...args: Events[E]) => void): () => void;
}

/** An {@link EventSource} with the emitting half, kept by the emitter. */
export interface EventListeners<Events extends EventMap<Events>> extends EventSource<Events> {
  /** Calls every listener of `event` in subscription order; see {@link createEventListeners} for throwing listeners. */
  emit<E extends keyof Events & string>(event: E, ...args: Events[E]): void;
  /** How many listeners `event` has. */
  count(event: keyof Events & string): number;
}

/**
 * The kit's one event idiom (key ring, key sets, refresh-token service, Redis denylist): `on(event, listener)`
 * returning the unsubscribe function. A throwing listener does not keep the others from running; its error
 * goes to `onListenerError`, or, without one, is thrown by `emit` once every listener ran.
 */
export function createEventListeners<Events extends EventMap<Events>>(
  onListenerError?: (error: unknown) => void,
): EventListeners<Events> {
  const listeners = new Map<string, Set<(...args: readonly unknown[]) => void>>();
  return {
    on(event, listener) {
      let set = listeners.get(event);
      if (set === undefined) listeners.set(event, (set = new Set()));
      const entry = listener as (...args: readonly unknown[]) => void;
      set.add(entry);
      return () => void set.delete(entry);
    },
    emit(event, ...args) {
      const set = listeners.get(event);
      if (set === undefined || set.size === 0) return;
      let failure: { error: unknown } | undefined;
      for (const listener of [...set]) {
        try {
          listener(...args);
        } catch (error) {
          if (onListenerError !== undefined) onListenerError(error);
          else failure ??= { error };
        }
      }
      if (failure !== undefined) throw failure.error;
    },
    count: (event) => listeners.get(event)?.size ?? 0,
  };
}
