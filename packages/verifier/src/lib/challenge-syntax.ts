/** Checks an RFC 6750 quoted-string attribute value we put in a challenge (realm). */
export function isQuotableValue(value: string): boolean {
  return /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/.test(value);
}

/** Checks an RFC 6749 scope token (`%x21 / %x23-5B / %x5D-7E`). */
export function isScopeToken(value: string): boolean {
  return /^[\x21\x23-\x5b\x5d-\x7e]+$/.test(value);
}
