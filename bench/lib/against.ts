import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ScenarioDef } from '../scenarios/index.js';

/** Suffix of the rows that run from the `--against` checkout. */
export const AGAINST_SUFFIX = '@against';

/**
 * The scenarios of a run with `--against=dir`: each selected HTTP scenario but bare is followed by its twin,
 * the same scenario run from `dir`'s `bench/server.ts` (row `<id>@against`, checked and loaded alike, in the
 * same rotating rounds); the scenario's first ratio is then to its twin, so that a change is read as one
 * same-round ratio with its spread. Throws when `dir` holds no bench.
 */
export function withTwins(selected: readonly ScenarioDef[], dir: string): ScenarioDef[] {
  const entry = join(dir, 'bench', 'server.ts');
  if (!existsSync(entry)) throw new Error(`--against=${dir}: no bench/server.ts there`);
  return selected.flatMap((def) => {
    if (def.kind !== 'http' || def.id === 'bare') return [def];
    const twin = `${def.id}${AGAINST_SUFFIX}`;
    return [
      { ...def, ratiosTo: [twin, ...(def.ratiosTo ?? ['bare'])] },
      {
        ...def,
        id: twin,
        title: `${def.title}, from ${dir}`,
        ratiosTo: ['bare'],
        runs: { scenarioId: def.id, entry },
      },
    ];
  });
}
