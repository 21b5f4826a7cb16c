import { createEventListeners } from '../src/index.js';

type Events = { change: []; removed: [kid: string, reason: string] };

describe('createEventListeners: on(event, listener) answering the unsubscribe function', () => {
  it('calls the listeners of an event in subscription order with its arguments, until unsubscribed', () => {
    const events = createEventListeners<Events>();
    const calls: string[] = [];
    const offA = events.on('removed', (kid, reason) => calls.push(`a:${kid}:${reason}`));
    events.on('removed', (kid) => calls.push(`b:${kid}`));
    events.on('change', () => calls.push('change'));
    events.emit('removed', 'k1', 'withdrawn');
    offA();
    offA(); // a second call changes nothing
    events.emit('removed', 'k2', 'stale');
    expect(calls).toEqual(['a:k1:withdrawn', 'b:k1', 'b:k2']);
    expect(events.count('removed')).toBe(1);
    expect(events.count('change')).toBe(1);
  });

  it('the same listener twice is one subscription', () => {
    const events = createEventListeners<Events>();
    let calls = 0;
    const listener = () => void calls++;
    events.on('change', listener);
    events.on('change', listener);
    events.emit('change');
    expect(calls).toBe(1);
  });

  it('a listener unsubscribing another during emit does not skip or break the round', () => {
    const events = createEventListeners<Events>();
    const calls: string[] = [];
    let offB = () => {};
    events.on('change', () => (calls.push('a'), offB()));
    offB = events.on('change', () => calls.push('b'));
    events.emit('change');
    events.emit('change');
    expect(calls).toEqual(['a', 'b', 'a']);
  });

  it('a throwing listener: the others still run, then emit throws its error (without onListenerError)', () => {
    const events = createEventListeners<Events>();
    const calls: string[] = [];
    events.on('change', () => {
      throw new Error('boom');
    });
    events.on('change', () => calls.push('second'));
    expect(() => events.emit('change')).toThrow('boom');
    expect(calls).toEqual(['second']);
  });

  it('with onListenerError, a throwing listener is reported there and emit returns', () => {
    const reported: unknown[] = [];
    const events = createEventListeners<Events>((error) => reported.push(error));
    events.on('change', () => {
      throw new Error('boom');
    });
    expect(() => events.emit('change')).not.toThrow();
    expect(reported).toEqual([new Error('boom')]);
  });
});
