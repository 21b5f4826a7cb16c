/**
 * Names that `Object.prototype` already answers for: every lookup keyed by token or user input
 * (sub, jti, sid, kid, user names) must treat them as plain strings. A `{}` table answers them
 * with an inherited object or function; a `Map` or a null-prototype object does not.
 */
export const BUILT_IN_NAMES: readonly string[] = Object.freeze([
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
]);
