/**
 * Throws a TypeError when `options` still carries an option under a name that was retired, naming its
 * replacement: an old name must never be ignored silently (an ignored `maxLifetimeSeconds: 600` would
 * fall back to a one-day default). `renames` maps each retired name to what replaces it.
 */
export function refuseRenamedOptions(options: unknown, renames: Readonly<Record<string, string>>): void {
  if (typeof options !== 'object' || options === null) return;
  for (const [retired, replacement] of Object.entries(renames)) {
    if (Object.hasOwn(options, retired)) {
      throw new TypeError(`option \`${retired}\` was renamed: use ${replacement}`);
    }
  }
}
