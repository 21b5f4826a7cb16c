/**
 * The claim `name` of a token, read as an own property only. A claim the token does not carry is
 * `undefined`, even when `Object.prototype` answers for the name (`constructor`, `toString`,
 * `__proto__`) or has been polluted with it (`Object.prototype.scope = 'admin'` elsewhere in the process).
 */
export function ownClaim(claims: object, name: string): unknown {
  return Object.hasOwn(claims, name) ? (claims as Record<string, unknown>)[name] : undefined;
}
