/** Header names as clients usually spell them, compared before a name is lowercased. */
const USUAL_SPELLING: Readonly<Record<string, string>> = { authorization: 'Authorization', dpop: 'DPoP' };

/**
 * How many times a header was sent: `rawHeaders` (Node's flat name/value list) names each one in any case;
 * without it, one. Node joins repeated headers into one string, so only the raw list tells two from one.
 */
export function countHeader(rawHeaders: readonly string[] | undefined, lowerName: string): number {
  if (rawHeaders === undefined) return 1;
  const usual = USUAL_SPELLING[lowerName] ?? lowerName;
  let count = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    if (name.length === lowerName.length && (name === usual || name === lowerName || name.toLowerCase() === lowerName))
      count += 1;
  }
  return count;
}
