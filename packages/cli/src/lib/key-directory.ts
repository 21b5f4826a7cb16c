import { join } from 'node:path';
import { createFileKeyStore, createKeyRing, isIssuerError, SIGNING_ALGORITHMS } from '@jwks-kit/issuer';
import type { KeyRing, KeyStore, PrivateSigningJwk, SigningAlgorithm, StoredKeySet } from '@jwks-kit/issuer';
import { CliError } from './cli-error.js';
import type { CommandInput, OptionSpec } from './command.js';
import { stringOption } from './options.js';
import { parseDurationSeconds } from './format-time.js';

/** Name of the key file inside a keys directory (the examples' auth service reads the same file). */
export const KEY_FILE_NAME = 'keys.json';

/** Keys directory when `--dir` is not given: the examples' `KEYS_DIR` default. */
export const DEFAULT_KEYS_DIR = '.data/keys';

/** `--dir`, shared by every command that opens a key store. */
export const dirOption: OptionSpec = {
  type: 'string',
  valueName: 'DIR',
  description: `keys directory; the key file is DIR/${KEY_FILE_NAME} (default ${DEFAULT_KEYS_DIR})`,
};

/** `--alg`, shared by the commands that create keys. */
export const algOption: OptionSpec = {
  type: 'string',
  valueName: 'ALG',
  description: `signing algorithm of the new keys: ${SIGNING_ALGORITHMS.join(', ')} (RS256/PS256: RSA, ES256: P-256, EdDSA: Ed25519)`,
};

/** The value of `--alg`, or `fallback`; a usage error when it names no signing algorithm. */
export function algorithmOption(input: CommandInput, fallback: SigningAlgorithm): SigningAlgorithm;
export function algorithmOption(input: CommandInput): SigningAlgorithm | undefined;
export function algorithmOption(input: CommandInput, fallback?: SigningAlgorithm): SigningAlgorithm | undefined {
  const text = stringOption(input, 'alg');
  if (text === undefined) return fallback;
  const alg = SIGNING_ALGORITHMS.find((name) => name === text);
  if (!alg) throw new CliError('ERR_CLI_USAGE', `--alg must be one of ${SIGNING_ALGORITHMS.join(', ')}, got "${text}"`);
  return alg;
}

/** Timing options of commands that change the key ring; they must be at least the issuer's values. */
export const timingOptions: Readonly<Record<string, OptionSpec>> = {
  'max-jwks-cache-age': {
    type: 'string',
    valueName: 'DURATION',
    description:
      'longest time a verifier caches the JWKS; a new key is published this long (+5m) before it signs (default 1h)',
  },
  'max-token-lifetime': {
    type: 'string',
    valueName: 'DURATION',
    description: 'longest access-token lifetime; a retired key stays published this long (+5m) (default 1d)',
  },
};

/** The key file of `--dir`. */
export function keyFilePath(input: CommandInput): string {
  return join(stringOption(input, 'dir', DEFAULT_KEYS_DIR), KEY_FILE_NAME);
}

/** Turns an issuer error (key file unreadable, corrupt, unsafe; bad key) into the operator's message. */
export function fromIssuerError(error: unknown): unknown {
  if (!isIssuerError(error)) return error;
  switch (error.code) {
    case 'ERR_KEY_FILE_PERMISSIONS':
    case 'ERR_KEY_FILE_CORRUPT':
    case 'ERR_KEY_FILE_IO':
    case 'ERR_KEY_FILE_LOCKED':
      return new CliError('ERR_CLI_KEY_STORE', `${error.message} [${error.code}]`, { cause: error });
    case 'ERR_INVALID_KEY':
    case 'ERR_KEY_TOO_SMALL':
      return new CliError('ERR_CLI_BAD_KEY', `${error.message} [${error.code}]`, { cause: error });
    default:
      return new CliError('ERR_CLI_REFUSED', `${error.message} [${error.code}]`, { cause: error });
  }
}

/** Runs `task`, reporting issuer errors as {@link CliError}s. */
export async function issuerCall<T>(task: () => Promise<T>): Promise<T> {
  try {
    return await task();
  } catch (error) {
    throw fromIssuerError(error);
  }
}

/** The file store of `--dir`. */
export function openKeyStore(input: CommandInput): KeyStore {
  return createFileKeyStore({ path: keyFilePath(input) });
}

/** Reads the stored keys; an I/O error when there is no key file yet. */
export async function readStoredKeys(input: CommandInput): Promise<StoredKeySet> {
  const path = keyFilePath(input);
  const set = await issuerCall(() => openKeyStore(input).load());
  if (!set) {
    const dir = stringOption(input, 'dir', DEFAULT_KEYS_DIR);
    throw new CliError('ERR_CLI_IO', `no key file at ${path}: create one with  jwks-kit keys init --dir ${dir}`);
  }
  return set;
}

function durationSeconds(input: CommandInput, name: string, fallbackSeconds: number): number {
  const text = stringOption(input, name);
  if (text === undefined) return fallbackSeconds;
  const seconds = parseDurationSeconds(text);
  if (seconds === undefined || seconds === 0)
    throw new CliError('ERR_CLI_USAGE', `--${name} takes a duration such as 90s, 10m, 1h or 1d, got "${text}"`);
  return seconds;
}

/** Options of {@link openKeyRing}. */
export type OpenKeyRingOptions = Readonly<{
  now: () => number;
  /** Algorithm of keys the ring generates. @default the active key's, else RS256 */
  algorithm?: SigningAlgorithm;
  modulusLength?: 2048 | 3072 | 4096;
  initialKey?: PrivateSigningJwk;
}>;

/**
 * A key ring over the file store of `--dir`, as the issuer runs it, with the timing options.
 * Scheduled rotation is off: the CLI changes keys only when asked (retired keys past their
 * removal time are still dropped, as the issuer would).
 */
export async function openKeyRing(input: CommandInput, options: OpenKeyRingOptions): Promise<KeyRing> {
  const maxJwksCacheAgeMs = durationSeconds(input, 'max-jwks-cache-age', 3600) * 1000;
  const maxTokenLifetimeSeconds = durationSeconds(input, 'max-token-lifetime', 86_400);
  const store = openKeyStore(input);
  const algorithm =
    options.algorithm ??
    options.initialKey?.alg ??
    (await issuerCall(() => store.load()))?.keys.find((key) => key.state === 'active')?.alg;
  return issuerCall(() =>
    createKeyRing({
      store,
      maxJwksCacheAgeMs,
      maxTokenLifetimeSeconds,
      rotationIntervalMs: 0,
      now: options.now,
      ...(algorithm ? { algorithm } : {}),
      ...(options.modulusLength ? { modulusLength: options.modulusLength } : {}),
      ...(options.initialKey ? { initialKey: options.initialKey } : {}),
    }),
  );
}
