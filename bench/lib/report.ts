import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MachineInfo } from './machine.js';
import type { BenchOptions } from './options.js';
import type { Spread } from './stats.js';

/** A same-round ratio of a row to another row, with its spread across rounds. */
export interface RatioSpread extends Spread {
  /** Row the ratio is taken against. */
  readonly to: string;
  /** The same ratio from server CPU µs per request (denominator's over this row's), per round. */
  readonly byCpu?: Spread;
  /**
   * The same ratio from the server's user-space CPU µs per request alone. The kernel's part (sockets, wakeups) is the
   * same work per request in every row, so this ratio is what the rows' own code costs. Absent when a server did not
   * report it (an `--against` checkout from before stop 35).
   */
  readonly byUserCpu?: Spread;
  /** Median of the same-round ratios per pair of server processes (round `r` ran the pair `r mod N`). */
  readonly byProcess?: readonly number[];
}

/** One line of the results table. */
export interface ReportRow {
  /** `scenario` or `scenario:variant`. */
  readonly id: string;
  readonly number: number;
  readonly title: string;
  readonly unit: 'req/s' | 'ops/s';
  /** Requests (or operations) per second, one per round. */
  readonly rounds: readonly number[];
  readonly median: number;
  /** Ratios to other rows (same round), each with its spread across rounds. */
  readonly ratios: readonly RatioSpread[];
  readonly p50Ms?: number;
  readonly p99Ms?: number;
  /** Median CPU use of the server process while loaded (1 = its core fully busy); below ~0.9 the load generator or the machine limited the run. */
  readonly serverCpu?: number;
  /** Median server CPU time per request in µs: comparable between rows even when the load generator limited a run. */
  readonly cpuUsPerRequest?: number;
  /** The user-space part of `cpuUsPerRequest` (median over rounds). */
  readonly userCpuUsPerRequest?: number;
  /** Why the scenario has no numbers (failed pre-flight check or load run). */
  readonly failed?: string;
}

export interface TargetResult {
  readonly label: string;
  readonly value: number | null;
  /** Spread of the per-round values behind `value`. */
  readonly spread?: Spread;
  /** The same ratio from user-space CPU µs per request (HTTP rows): see {@link RatioSpread.byUserCpu}. Reported, not judged. */
  readonly byUserCpu?: Spread;
  /** Median per pair of server processes; a target met by some pairs and missed by others is not settled. */
  readonly byProcess?: readonly number[];
  readonly min: number;
  /** Upper bound instead (p99 ratios). */
  readonly max?: number;
  readonly pass: boolean | null;
}

export interface Report {
  readonly machine: MachineInfo;
  /** The options of the run, with the number of processes per scenario it chose. */
  readonly options: BenchOptions & { readonly processes: number };
  readonly rows: readonly ReportRow[];
  readonly derived: readonly { readonly label: string; readonly value: number }[];
  readonly targets: readonly TargetResult[];
  readonly memory: Readonly<Record<string, number | string>>;
  readonly notes: readonly string[];
}

const fmt = (n: number | undefined, digits = 0) =>
  n === undefined || !Number.isFinite(n)
    ? '–'
    : n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** `0.97× [0.95–0.99]`: median and interquartile range. */
export function formatSpread(spread: Spread): string {
  return `${fmt(spread.median, 2)}× [${fmt(spread.p25, 2)}–${fmt(spread.p75, 2)}]`;
}

/** Renders the Markdown report (header with the machine, table, targets, memory, notes). */
export function renderMarkdown(report: Report): string {
  const m = report.machine;
  const o = report.options;
  const lines = [
    `# jwks-kit benchmarks`,
    '',
    `${m.date.slice(0, 10)} · ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB · ${m.os} · Node ${m.node} · OpenSSL ${m.openssl} · ` +
      `server ${m.pinned ? 'pinned to core 1 (load generator, Redis and JWKS server on core 0)' : 'not pinned'} · load average ${m.loadAverage1m} at start`,
    '',
    `${o.quick ? 'Quick run: ' : ''}${o.rounds} interleaved rounds of ${o.durationSec} s after ${o.warmupSec} s warm-up, ` +
      `${o.processes} server process${o.processes === 1 ? '' : 'es'} per scenario taking turns by round, ` +
      `${o.connections} connections, ${fmt(o.poolSize)} distinct tokens. Medians over rounds; ratios are taken within each round, then the median, with the interquartile range across rounds in brackets.`,
    '',
    '| # | scenario | median | ratios [p25–p75] | by CPU µs/req [p25–p75] | by user CPU µs/req [p25–p75] | p50 ms | p99 ms | server CPU | CPU µs/req (user) |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const row of report.rows) {
    if (row.failed) {
      lines.push(
        `| ${row.number} | ${row.title} | failed: ${row.failed.replaceAll('|', '/').slice(0, 160)} | | | | | | | |`,
      );
      continue;
    }
    const ratio = row.ratios.map((r) => `${formatSpread(r)} ${r.to}`).join('<br>');
    const byCpu = row.ratios
      .filter((r) => r.byCpu)
      .map((r) => `${formatSpread(r.byCpu!)} ${r.to}`)
      .join('<br>');
    const byUserCpu = row.ratios
      .filter((r) => r.byUserCpu)
      .map((r) => `${formatSpread(r.byUserCpu!)} ${r.to}`)
      .join('<br>');
    const cpuPerRequest =
      row.userCpuUsPerRequest === undefined
        ? fmt(row.cpuUsPerRequest)
        : `${fmt(row.cpuUsPerRequest)} (${fmt(row.userCpuUsPerRequest)})`;
    lines.push(
      `| ${row.number} | ${row.title} | ${fmt(row.median)} ${row.unit} | ${ratio} | ${byCpu} | ${byUserCpu} | ${fmt(row.p50Ms, 2)} | ${fmt(row.p99Ms, 2)} | ${row.serverCpu === undefined ? '–' : `${fmt(row.serverCpu * 100)}%`} | ${cpuPerRequest} |`,
    );
  }
  if (report.derived.length > 0) {
    lines.push('', '| derived | value |', '|---|---:|');
    for (const d of report.derived) lines.push(`| ${d.label} | ${fmt(d.value, 2)} |`);
  }
  const measured = report.targets.filter((t) => t.value !== null);
  if (measured.length > 0) {
    lines.push('', '| target | measured [p25–p75] | by user CPU | per process pair | |', '|---|---:|---:|---:|---|');
    for (const t of measured) {
      const value = t.spread ? formatSpread(t.spread) : `${fmt(t.value ?? Number.NaN, 2)}×`;
      const user = t.byUserCpu ? formatSpread(t.byUserCpu) : '';
      const pairs = t.byProcess && t.byProcess.length > 1 ? t.byProcess.map((v) => fmt(v, 2)).join(' · ') : '';
      lines.push(
        `| ${t.label} | ${value} | ${user} | ${pairs} | ${t.pass === null ? '' : t.pass ? 'met' : 'MISSED'} |`,
      );
    }
  }
  const memory = Object.entries(report.memory);
  if (memory.length > 0) {
    lines.push('', '| memory | value |', '|---|---:|');
    for (const [k, v] of memory)
      lines.push(`| ${k} | ${typeof v === 'number' ? fmt(v, Number.isInteger(v) ? 0 : 1) : v} |`);
  }
  if (report.notes.length > 0) lines.push('', ...report.notes.map((n) => `- ${n}`));
  return `${lines.join('\n')}\n`;
}

/** Writes `<name>.json` and `<name>.md` into `dir`. */
export async function writeReport(dir: string, report: Report, name = 'latest'): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, `${name}.json`), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(dir, `${name}.md`), renderMarkdown(report));
}
