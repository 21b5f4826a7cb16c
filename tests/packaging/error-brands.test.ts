/**
 * Each package's error guard (`isVerifierError` and peers) must recognise its errors when two copies of
 * the package are loaded (the CommonJS build beside the ESM one, or two versions in node_modules), where
 * `instanceof` is false. Here the second copy is a second instance of the same source module (a query
 * string makes the module loader evaluate it again); the consumer matrix (scripts/consumer-matrix.sh)
 * does the same with the built ESM and CommonJS files from the tarballs.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = join(import.meta.dirname, '..', '..');

const GUARDS = [
  {
    file: 'packages/verifier/src/errors.ts',
    error: 'VerifierError',
    guard: 'isVerifierError',
    args: ['invalid_token'],
  },
  {
    file: 'packages/verifier/src/key-set-error.ts',
    error: 'KeySetError',
    guard: 'isKeySetError',
    args: ['ERR_JWKS_STALE', 'm'],
  },
  {
    file: 'packages/issuer/src/issuer-error.ts',
    error: 'IssuerError',
    guard: 'isIssuerError',
    args: ['ERR_UNKNOWN_KEY', 'm'],
  },
  {
    file: 'packages/issuer/src/sessions/refresh-token-error.ts',
    error: 'RefreshTokenError',
    guard: 'isRefreshTokenError',
    args: ['ERR_REFRESH_TOKEN_REUSED', 'm'],
  },
  {
    file: 'packages/denylist/src/errors.ts',
    error: 'DenylistError',
    guard: 'isDenylistError',
    args: ['ERR_INVALID_JTI', 'm'],
  },
  { file: 'packages/cli/src/lib/cli-error.ts', error: 'CliError', guard: 'isCliError', args: ['ERR_CLI_USAGE', 'm'] },
] as const;

type ErrorModule = Record<string, unknown>;

async function load(file: string, copy: string): Promise<ErrorModule> {
  return (await import(`${pathToFileURL(join(root, file)).href}?copy=${copy}`)) as ErrorModule;
}

describe.each(GUARDS)('$guard', ({ file, error, guard, args }) => {
  let first: ErrorModule;
  let second: ErrorModule;
  beforeAll(async () => {
    [first, second] = [await load(file, 'first'), await load(file, 'second')];
  });
  const make = (m: ErrorModule) => new (m[error] as new (...a: readonly string[]) => Error)(...args);
  const is = (m: ErrorModule, value: unknown) => (m[guard] as (v: unknown) => boolean)(value);

  it('recognises an error of another copy of the package, where instanceof does not', () => {
    expect(first[error]).not.toBe(second[error]);
    const foreign = make(second);
    expect(foreign instanceof (first[error] as new () => Error)).toBe(false);
    expect(is(first, foreign)).toBe(true);
    expect(is(second, make(first))).toBe(true);
  });

  it('refuses look-alikes: a plain Error with the same name and code, the other error classes, non-objects', async () => {
    const lookAlike = Object.assign(new Error('m'), { name: error, code: args[0] });
    expect(is(first, lookAlike)).toBe(false);
    for (const other of GUARDS.filter((g) => g.error !== error)) {
      const instance = new ((await load(other.file, 'first'))[other.error] as new (...a: readonly string[]) => Error)(
        ...other.args,
      );
      expect(is(first, instance)).toBe(false);
    }
    for (const value of [undefined, null, 'VerifierError', 42]) expect(is(first, value)).toBe(false);
  });

  it('still recognises its own errors', () => {
    expect(is(first, make(first))).toBe(true);
  });
});
