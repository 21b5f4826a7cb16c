import { SIGNING_ALGORITHMS, type SigningAlgorithm } from '@jwks-kit/issuer';

/** Environment variables as a plain record (config files pass `process.env`). */
export type Env = Readonly<Record<string, string | undefined>>;

/** Reads a TCP port; unset or empty means `fallback`. Throws an Error naming the variable otherwise. */
export function readPort(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port < 1 || port > 65535) throw new Error(`${name} must be a TCP port between 1 and 65535`);
  return port;
}

/** Reads an http(s) URL without a trailing slash; unset or empty means `fallback`. */
export function readHttpUrl(env: Env, name: string, fallback: string): string {
  const raw = env[name] || fallback;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`${name} must be an absolute http(s) URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`${name} must be an absolute http(s) URL`);
  return url.href.replace(/\/$/, '');
}

/**
 * Reads a 32-byte key written in base64 (or base64url), e.g. from `openssl rand -base64 32`; unset or
 * empty means `undefined`. Throws an Error naming the variable otherwise (never echoing the value).
 */
export function readKey32(env: Env, name: string): Buffer | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const text = raw.trim();
  const key = Buffer.from(text, 'base64');
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text) || key.byteLength !== 32)
    throw new Error(`${name} must be 32 random bytes in base64 (generate one with: openssl rand -base64 32)`);
  return key;
}

/**
 * The browser origins allowed to call a service with credentials: the page is served by the auth
 * service, so its origin, plus the `localhost` / `127.0.0.1` twin so either spelling works locally.
 */
export function pageOrigins(issuerUrl: string): string[] {
  const url = new URL(issuerUrl);
  const origins = [url.origin];
  const twin = url.hostname === '127.0.0.1' ? 'localhost' : url.hostname === 'localhost' ? '127.0.0.1' : undefined;
  if (twin) origins.push(`${url.protocol}//${twin}${url.port ? `:${url.port}` : ''}`);
  return origins;
}

/** Reads a positive integer; unset or empty means `fallback`. Throws an Error naming the variable otherwise. */
export function readPositiveInteger(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || !Number.isSafeInteger(Number(raw)))
    throw new Error(`${name} must be a positive integer`);
  return Number(raw);
}

/** Reads an on/off switch: `1` or `true` is on, unset, empty, `0` or `false` off; anything else throws naming the variable. */
export function readFlag(env: Env, name: string): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '' || raw === '0' || raw === 'false') return false;
  if (raw === '1' || raw === 'true') return true;
  throw new Error(`${name} must be 1 or 0`);
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Reads `LOG_LEVEL` (a pino level), default `info`. Throws an Error naming the variable otherwise. */
export function readLogLevel(env: Env): string {
  const raw = env.LOG_LEVEL;
  if (raw === undefined || raw === '') return 'info';
  if (!LOG_LEVELS.includes(raw)) throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  return raw;
}

/** Reads `SIGNING_ALG`; unset or empty means RS256. Throws an Error naming the variable otherwise. */
export function readSigningAlg(env: Env): SigningAlgorithm {
  const raw = env.SIGNING_ALG;
  if (raw === undefined || raw === '') return 'RS256';
  const alg = SIGNING_ALGORITHMS.find((name) => name === raw);
  if (!alg) throw new Error(`SIGNING_ALG must be one of ${SIGNING_ALGORITHMS.join(', ')}`);
  return alg;
}
