import fc from 'fast-check';

/** One change to a compact token, described so that fast-check can shrink and print it. */
export type Mutation =
  | Readonly<{ kind: 'replace'; index: number; char: string }>
  | Readonly<{ kind: 'bitflip'; segment: number; byte: number; bit: number }>
  | Readonly<{ kind: 'swap'; order: readonly number[] }>
  | Readonly<{ kind: 'alphabet'; variant: 'standard' | 'pad' | 'upper' | 'lower' }>
  | Readonly<{ kind: 'truncate'; length: number }>
  | Readonly<{ kind: 'extend'; suffix: string }>
  | Readonly<{ kind: 'insert'; index: number; text: string }>
  | Readonly<{ kind: 'delete'; index: number; count: number }>;

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** Characters a mutation may put in: the base64url alphabet, the standard one's extras, separators, whitespace, controls, non-ASCII. */
const NOISE = [
  ...BASE64URL,
  '+',
  '/',
  '=',
  '.',
  ' ',
  '\t',
  '\n',
  '\u0000',
  '%',
  '"',
  '{',
  '}',
  '\u00e9',
  '\u200b',
  '\ud83d\ude00',
];

const segmentIndex = fc.integer({ min: 0, max: 2 });

/** Arbitrary single mutations of a token (indexes are taken modulo the token's length). */
export const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('replace' as const), index: fc.nat(), char: fc.constantFrom(...NOISE) }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('bitflip' as const),
      segment: segmentIndex,
      byte: fc.nat(),
      bit: fc.integer({ min: 0, max: 7 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('swap' as const),
      order: fc.shuffledSubarray([0, 1, 2], { minLength: 2, maxLength: 3 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('alphabet' as const),
      variant: fc.constantFrom('standard' as const, 'pad' as const, 'upper' as const, 'lower' as const),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('truncate' as const), length: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('extend' as const),
      suffix: fc.string({ unit: fc.constantFrom(...NOISE), minLength: 1, maxLength: 16 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('insert' as const),
      index: fc.nat(),
      text: fc.string({ unit: fc.constantFrom(...NOISE), minLength: 1, maxLength: 8 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('delete' as const),
      index: fc.nat(),
      count: fc.integer({ min: 1, max: 8 }),
    }),
  },
);

/** One to three mutations applied in turn. */
export const mutationsArbitrary: fc.Arbitrary<readonly Mutation[]> = fc.array(mutationArbitrary, {
  minLength: 1,
  maxLength: 3,
});

/** Applies `mutation` to `token`. The result may equal the token (e.g. replacing a character by itself). */
export function mutate(token: string, mutation: Mutation): string {
  const at = (index: number) => (token.length === 0 ? 0 : index % token.length);
  switch (mutation.kind) {
    case 'replace': {
      const i = at(mutation.index);
      return token.slice(0, i) + mutation.char + token.slice(i + 1);
    }
    case 'bitflip': {
      const parts = token.split('.');
      const segment = parts[mutation.segment];
      if (segment === undefined) return token;
      const bytes = Buffer.from(segment, 'base64url');
      if (bytes.length === 0) return token;
      const i = mutation.byte % bytes.length;
      bytes[i] = (bytes[i] as number) ^ (1 << mutation.bit);
      parts[mutation.segment] = bytes.toString('base64url');
      return parts.join('.');
    }
    case 'swap': {
      const parts = token.split('.');
      const swapped = mutation.order.map((i) => parts[i] ?? '');
      return [...swapped, ...parts.slice(swapped.length)].join('.');
    }
    case 'alphabet':
      if (mutation.variant === 'standard') return token.replaceAll('-', '+').replaceAll('_', '/');
      if (mutation.variant === 'pad')
        return token
          .split('.')
          .map((s) => s + '='.repeat((4 - (s.length % 4)) % 4))
          .join('.');
      return mutation.variant === 'upper' ? token.toUpperCase() : token.toLowerCase();
    case 'truncate':
      return token.slice(0, mutation.length % (token.length + 1));
    case 'extend':
      return token + mutation.suffix;
    case 'insert': {
      const i = at(mutation.index);
      return token.slice(0, i) + mutation.text + token.slice(i);
    }
    case 'delete': {
      const i = at(mutation.index);
      return token.slice(0, i) + token.slice(i + mutation.count);
    }
  }
}

/** Applies every mutation in order. */
export function mutateAll(token: string, mutations: readonly Mutation[]): string {
  return mutations.reduce(mutate, token);
}

/** Strings shaped like compact tokens: base64url-ish segments joined by dots, with noise. */
export const tokenShapedArbitrary: fc.Arbitrary<string> = fc
  .array(fc.string({ unit: fc.constantFrom(...BASE64URL, ...BASE64URL, ...NOISE), maxLength: 64 }), {
    minLength: 1,
    maxLength: 6,
  })
  .map((segments) => segments.join('.'));
