import autocannon from 'autocannon';
import type { LoadPlan } from './types.js';

/** What one timed autocannon run measured. */
export interface LoadResult {
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly requests: number;
  /** CPU time of the server process over wall time during the run (1 = one core fully busy). */
  readonly serverCpu?: number;
}

export interface LoadOptions {
  readonly baseUrl: string;
  readonly plan: LoadPlan;
  readonly durationSec: number;
  readonly connections: number;
  /** Distinct-token pool, consumed in order by every connection through one shared cursor. */
  readonly pool: readonly string[];
  /** Shared cursor into `pool`, so that consecutive runs keep moving through it. */
  readonly cursor: { value: number };
}

/**
 * Runs autocannon against a server under test. Fails when any response has another status than
 * the plan expects or when a connection errors, so a broken scenario never produces a number.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { plan, pool, cursor } = options;
  const expectStatus = plan.expectStatus ?? 200;
  const requests: autocannon.Request[] = plan.rotateTokens
    ? [
        {
          method: 'GET',
          path: plan.path,
          setupRequest: (request) => {
            const token = pool[cursor.value % pool.length];
            cursor.value += 1;
            return { ...request, headers: { ...plan.headers, authorization: `Bearer ${token}` } };
          },
        },
      ]
    : plan.perRequestHeaders
      ? [
          {
            method: 'GET',
            path: plan.path,
            setupRequest: (request) => ({
              ...request,
              headers: { ...plan.headers, ...(plan.perRequestHeaders as () => Record<string, string>)() },
            }),
          },
        ]
      : [{ method: 'GET', path: plan.path, headers: { ...plan.headers } }];
  const result = await autocannon({
    url: options.baseUrl,
    connections: options.connections,
    pipelining: 1,
    duration: options.durationSec,
    requests,
  });
  const expectedCount = expectStatus === 304 ? result['3xx'] : result['2xx'];
  const unexpected = result.requests.total - expectedCount;
  if (result.errors > 0 || result.timeouts > 0 || (unexpected > result.connections && unexpected > 0)) {
    throw new Error(
      `load run failed: ${result.errors} errors, ${result.timeouts} timeouts, ${unexpected} responses other than ${expectStatus} ` +
        `(of ${result.requests.total}; by status ${JSON.stringify((result as { statusCodeStats?: unknown }).statusCodeStats ?? {})})`,
    );
  }
  return {
    rps: result.requests.total / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
  };
}
