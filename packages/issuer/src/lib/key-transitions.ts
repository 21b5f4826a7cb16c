/** One key's change of state between two versions of the ring (`none` when it was absent / is gone). */
export interface KeyTransition {
  readonly kid: string;
  readonly from: string;
  readonly to: string;
}

/** The state changes from `before` to `after` (keys added, moved on, or removed). */
export function keyTransitions(
  before: readonly { kid: string; state: string }[],
  after: readonly { kid: string; state: string }[],
): KeyTransition[] {
  const old = new Map(before.map((key) => [key.kid, key.state]));
  const transitions: KeyTransition[] = [];
  for (const { kid, state } of after) {
    const from = old.get(kid) ?? 'none';
    if (from !== state) transitions.push({ kid, from, to: state });
    old.delete(kid);
  }
  for (const [kid, from] of old) transitions.push({ kid, from, to: 'removed' });
  return transitions;
}
