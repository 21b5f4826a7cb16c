import type { Request, RequestHandler, Response } from 'express';
import type { HealthState } from './key-set-health.js';

/** Anything with a `health()` snapshot: key sets, `requireAuth(...)`, denylists, refresh stores. */
export interface HealthSource {
  health(): { readonly state: HealthState };
}

/** The readiness body: `ready` unless a check is `failing` (a `stale` check still serves). */
export interface ReadinessReport {
  readonly status: 'ready' | 'not_ready';
  readonly checks: Readonly<Record<string, unknown>>;
}

/**
 * Express handler for a readiness probe (`/readyz`): asks every source for its `health()` and answers 200
 * `{ status: 'ready', checks }`, or 503 `{ status: 'not_ready', checks }` when any check is `failing` (keys
 * never loaded or stale past their bound, a denylist mirror past its staleness bound, a store disconnected).
 * A `stale` check is still ready: it serves from its last good state. A `health()` that throws counts as
 * failing. Errors appear as `{ name, code, message }`; snapshots carry no token, key or claim. Keep the
 * route internal (it names the failing dependency). Liveness (`/healthz`) should not use it: a process
 * whose issuer is down is alive and must not be restarted for it.
 */
export function readinessHandler(checks: Readonly<Record<string, HealthSource>>): RequestHandler {
  if (typeof checks !== 'object' || checks === null) throw new TypeError('checks must be an object of health sources');
  const entries = Object.entries(checks);
  for (const [name, source] of entries) {
    if (typeof source?.health !== 'function') throw new TypeError(`check \`${name}\` must have a health() method`);
  }
  return function readinessMiddleware(_req: Request, res: Response): void {
    const report = readiness(entries);
    res.status(report.status === 'ready' ? 200 : 503);
    res.setHeader('Cache-Control', 'no-store');
    res.type('application/json').send(JSON.stringify(report, errorsAsJson));
  };
}

/** The report {@link readinessHandler} sends, for callers that serve readiness some other way. */
export function readiness(sources: Iterable<readonly [string, HealthSource]>): ReadinessReport {
  let ready = true;
  const checks: Record<string, unknown> = {};
  for (const [name, source] of sources) {
    let snapshot: { readonly state: HealthState };
    try {
      snapshot = source.health();
    } catch (error) {
      snapshot = { state: 'failing', lastError: error } as { state: HealthState };
    }
    if (snapshot.state !== 'ok' && snapshot.state !== 'stale') ready = false;
    checks[name] = snapshot;
  }
  return { status: ready ? 'ready' : 'not_ready', checks };
}

function errorsAsJson(_key: string, value: unknown): unknown {
  if (!(value instanceof Error)) return value;
  const code = (value as { code?: unknown }).code;
  return { name: value.name, code: typeof code === 'string' ? code : undefined, message: value.message };
}
