import { DEFAULT_JWS_ALGORITHMS, parseAlgorithmsOption, type JwsAlgorithm } from '@jwks-kit/core';
import type { RemoteKeySetOptions } from '../remote-key-set-options.js';
import { checkLogger, type Logger } from '../logger.js';
import { parseJwksUrlOption } from './jwks-url.js';

/** {@link RemoteKeySetOptions} checked, with every default filled in. */
export interface ResolvedRemoteKeySetOptions {
  readonly jwksUri: URL;
  readonly algorithms: readonly JwsAlgorithm[];
  readonly minCacheMs: number;
  readonly maxCacheMs: number;
  readonly refreshRatio: number;
  readonly cooldownMs: number;
  readonly maxStaleMs: number;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
  readonly maxKeys: number;
  readonly backoffInitialMs: number;
  readonly backoffMaxMs: number;
  readonly now: () => number;
  readonly logger: Logger | undefined;
}

const MAX_TIMER_MS = 2 ** 31 - 1;
/** Floor of the cache age, so that `max-age=0` cannot turn background refresh into a fetch loop. */
const MIN_CACHE_MS = 1_000;

/** Validates {@link RemoteKeySetOptions} (TypeError naming the option) and applies the defaults. */
export function resolveRemoteKeySetOptions(options: RemoteKeySetOptions): ResolvedRemoteKeySetOptions {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('createRemoteKeySet(options): options must be an object');
  const allowInsecureHttp = options.allowInsecureHttp ?? false;
  if (typeof allowInsecureHttp !== 'boolean') throw new TypeError('option `allowInsecureHttp` must be a boolean');
  const jwksUri = parseJwksUrlOption(options.jwksUri, 'jwksUri', allowInsecureHttp);
  const algorithms = parseAlgorithmsOption(options.algorithms ?? DEFAULT_JWS_ALGORITHMS);
  const minCacheMs = duration(options.minCacheMs, 60_000, 'minCacheMs', MIN_CACHE_MS);
  const maxCacheMs = duration(options.maxCacheMs, 600_000, 'maxCacheMs', MIN_CACHE_MS);
  if (minCacheMs > maxCacheMs) throw new TypeError('option `minCacheMs` must not exceed `maxCacheMs`');
  const refreshRatio = options.refreshRatio ?? 0.8;
  if (typeof refreshRatio !== 'number' || !(refreshRatio > 0 && refreshRatio <= 1)) {
    throw new TypeError('option `refreshRatio` must be a number in (0, 1]');
  }
  const backoffInitialMs = duration(options.backoffInitialMs, 1_000, 'backoffInitialMs', 1);
  const backoffMaxMs = duration(options.backoffMaxMs, 60_000, 'backoffMaxMs', 1);
  if (backoffInitialMs > backoffMaxMs) throw new TypeError('option `backoffInitialMs` must not exceed `backoffMaxMs`');
  const now = options.now ?? Date.now;
  if (typeof now !== 'function') throw new TypeError('option `now` must be a function returning milliseconds');
  return {
    jwksUri,
    algorithms,
    minCacheMs,
    maxCacheMs,
    refreshRatio,
    cooldownMs: duration(options.cooldownMs, 30_000, 'cooldownMs', 0),
    maxStaleMs: duration(options.maxStaleMs, 86_400_000, 'maxStaleMs', 0),
    timeoutMs: integer(options.timeoutMs, 5_000, 'timeoutMs', 1, MAX_TIMER_MS),
    maxResponseBytes: integer(options.maxResponseBytes, 65_536, 'maxResponseBytes', 256, 16 * 1024 * 1024),
    maxKeys: integer(options.maxKeys, 32, 'maxKeys', 1, 1_000),
    backoffInitialMs,
    backoffMaxMs,
    now,
    logger: checkLogger(options.logger),
  };
}

function duration(value: number | undefined, fallback: number, name: string, min: number): number {
  return integer(value, fallback, name, min, Number.MAX_SAFE_INTEGER);
}

function integer(value: number | undefined, fallback: number, name: string, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new TypeError(`option \`${name}\` must be an integer from ${min} to ${max} (got ${String(value)})`);
  }
  return value;
}
