import fc from 'fast-check';

/** The header and claims every differential test signs (no time check happens at the signature level). */
export const HEADER = { typ: 'at+jwt', kid: 'k1' };
export const CLAIMS = {
  iss: 'https://auth.example.com',
  sub: 'user-1',
  aud: 'https://orders.example.com',
  scope: 'orders:read',
  iat: 1_700_000_000,
  exp: 1_700_000_300,
};
const B64U = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
export const b64 = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** One change to a signed token, described so that fast-check can shrink and print it. */
export type JwsMutation =
  | { kind: 'flipBit'; segment: number; at: number; bit: number }
  | { kind: 'replaceChar'; segment: number; at: number; char: string }
  | { kind: 'truncate'; keep: number }
  | { kind: 'append'; text: string }
  | { kind: 'resignOtherKey' }
  | { kind: 'swapHeader'; alg: string; typ: string; resign: boolean }
  | { kind: 'spliceSignature'; sub: string };

/** Mutations of a token: bits, characters, lengths, another key, another header `alg` (from `algs`), another token's signature. */
export function jwsMutations(algs: readonly string[]): fc.Arbitrary<JwsMutation> {
  return fc.oneof(
    fc.record({
      kind: fc.constant('flipBit' as const),
      segment: fc.integer({ min: 0, max: 2 }),
      at: fc.nat(),
      bit: fc.integer({ min: 0, max: 7 }),
    }),
    fc.record({
      kind: fc.constant('replaceChar' as const),
      segment: fc.integer({ min: 0, max: 2 }),
      at: fc.nat(),
      char: fc.constantFrom(...B64U, '.', '=', '+', '/', ' ', '\u00e9'),
    }),
    fc.record({ kind: fc.constant('truncate' as const), keep: fc.nat() }),
    fc.record({
      kind: fc.constant('append' as const),
      text: fc.string({ minLength: 1, maxLength: 4, unit: fc.constantFrom(...B64U, '.', '=') }),
    }),
    fc.record({ kind: fc.constant('resignOtherKey' as const) }),
    fc.record({
      kind: fc.constant('swapHeader' as const),
      alg: fc.constantFrom(...algs),
      typ: fc.constantFrom('at+jwt', 'JWT', 'jwt', 'application/at+jwt'),
      resign: fc.boolean(),
    }),
    fc.record({ kind: fc.constant('spliceSignature' as const), sub: fc.string({ maxLength: 12 }) }),
  );
}

/** How a test signs: `sign(header, claims, alg)` with its own key, `signOther` with an attacker's key. */
export interface MutationSigners {
  readonly sign: (header: Record<string, unknown>, claims: object, alg: string) => Promise<string>;
  readonly signOther: () => Promise<string>;
  /** Whether `alg` is one the test's key can really sign (a resigned header swap). */
  readonly canSign: (alg: string) => boolean;
  readonly alg: string;
}

/** Applies `m` to `token`. */
export async function applyJwsMutation(token: string, m: JwsMutation, signers: MutationSigners): Promise<string> {
  const parts = token.split('.');
  switch (m.kind) {
    case 'flipBit': {
      const bytes = Buffer.from(parts[m.segment]!, 'base64url');
      const at = m.at % bytes.length;
      bytes[at] = bytes[at]! ^ (1 << m.bit);
      parts[m.segment] = b64(bytes);
      return parts.join('.');
    }
    case 'replaceChar': {
      const segment = parts[m.segment]!;
      const at = m.at % segment.length;
      parts[m.segment] = segment.slice(0, at) + m.char + segment.slice(at + 1);
      return parts.join('.');
    }
    case 'truncate':
      return token.slice(0, m.keep % token.length);
    case 'append':
      return token + m.text;
    case 'resignOtherKey':
      return signers.signOther();
    case 'swapHeader': {
      const header = { ...HEADER, typ: m.typ };
      if (m.resign && signers.canSign(m.alg)) return signers.sign(header, CLAIMS, m.alg);
      return `${b64(JSON.stringify({ ...header, alg: m.alg }))}.${parts[1]}.${parts[2]}`;
    }
    case 'spliceSignature': {
      const other = await signers.sign(HEADER, { ...CLAIMS, sub: m.sub }, signers.alg);
      return `${parts[0]}.${parts[1]}.${other.split('.')[2]}`;
    }
  }
}

/**
 * The differential oracles' one documented difference from jose: jose decodes base64 padding, so it
 * accepts a token with a correctly padded segment (`…=`), which RFC 7515 §2 rules out and the verifier
 * refuses (a padded token is not the token that was signed, byte for byte). Returns the normaliser of a test
 * file: given jose's answer, the oracle's ("refused" for such a token). It counts those tokens and reports
 * the count, labelled, after the file's tests.
 */
export function paddedTokenRule(label: string): (joseAccepted: boolean, token: string) => boolean {
  let padded = 0;
  afterAll(() => {
    console.log(`${label}: ${padded} padded tokens accepted by jose, refused by the verifier`);
  });
  return (joseAccepted, token) => {
    if (joseAccepted && token.includes('=')) {
      padded += 1;
      return false;
    }
    return joseAccepted;
  };
}
