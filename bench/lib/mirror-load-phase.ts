import { setTimeout as delay } from 'node:timers/promises';
import type { LoadResult } from './load.js';
import type { ServerProcess } from './server-process.js';
import { spreadOf, type Spread } from './stats.js';

/** What the phase measured: p99 during a load over p99 just before it, per repetition. */
export interface MirrorLoadPhase {
  readonly ratio: Spread;
  readonly figures: Record<string, number | string>;
}

/**
 * p99 while a mirror of the large denylist loads in the server under test: per repetition, one slice
 * idle, then a full load starts in the background of that process and a second slice runs during it
 * (the load of 1,000,000 revocations lasts far longer than a slice), then the phase waits for the load
 * to finish. Returns undefined when the scenario did not run.
 */
export async function measureP99DuringMirrorLoad(
  running: { readonly server: ServerProcess } | undefined,
  load: (r: never, durationSec: number) => Promise<LoadResult>,
  quick: boolean,
  log: (message: string) => void,
): Promise<MirrorLoadPhase | undefined> {
  if (!running) return undefined;
  const repetitions = quick ? 2 : 3;
  const sliceSec = quick ? 1 : 5;
  const ratios: number[] = [];
  const idle: number[] = [];
  const during: number[] = [];
  const loadMs: number[] = [];
  const stats = async () => {
    const answer = await running.server.request({ type: 'stats' });
    if (answer.type !== 'stats-result') throw new Error(`unexpected answer ${answer.type}`);
    return answer.values;
  };
  for (let i = 0; i < repetitions; i += 1) {
    const before = await load(running as never, sliceSec);
    const done = (await stats()).backgroundLoads ?? 0;
    await running.server.request({ type: 'control', action: 'load' });
    const loaded = await load(running as never, sliceSec);
    const deadline = Date.now() + 600_000;
    let figures = await stats();
    while ((figures.backgroundLoads ?? 0) <= done) {
      if (Date.now() > deadline) throw new Error('the background mirror load did not finish within 10 minutes');
      await delay(250);
      figures = await stats();
    }
    const ms = figures.backgroundLoadMs ?? Number.NaN;
    if (ms < sliceSec * 1000) log(`p99 during mirror load: the load (${Math.round(ms)} ms) ended before the slice`);
    idle.push(before.p99Ms);
    during.push(loaded.p99Ms);
    loadMs.push(ms);
    ratios.push(loaded.p99Ms / before.p99Ms);
    log(
      `p99 during mirror load ${i + 1}/${repetitions}: idle ${before.p99Ms} ms, during ${loaded.p99Ms} ms, load ${Math.round(ms)} ms`,
    );
  }
  const list = (values: number[]) => values.map((v) => Math.round(v)).join(', ');
  return {
    ratio: spreadOf(ratios),
    figures: {
      'mirror load of the large denylist in the server under test: duration per load (ms)': list(loadMs),
      'p99 just before each load (ms)': list(idle),
      'p99 during each load (ms)': list(during),
    },
  };
}
