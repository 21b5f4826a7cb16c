/**
 * Instructions per request, counted by valgrind (callgrind), so that a hot-path change can be judged on a
 * loaded, shared machine where wall-clock figures move by more than the change:
 *
 *   node --import tsx bench/instructions.ts [--variants=a,b,…] [--windows=K] [--scale=F] [--parallel=P] [--split]
 *
 * Each variant runs in its own `valgrind --tool=callgrind node …` process: a warm-up pass over the token pool,
 * then K measured windows of N calls, each ended by a callgrind dump (start-up, module loading and JIT
 * warm-up stay out of the windows; GC and V8's compiler threads stay in). `--split` also splits each window by where it
 * ran (see `lib/callgrind-split.ts`: the main thread's mutator, `crypto.verify`, main-thread collections, other
 * threads), which compares a request-path change without the collections' noise. It prints, per variant, the
 * instructions per call of each window, their median and the mean over all windows (which spreads the
 * occasional scavenge over every call). `--scale` multiplies every N (default N: 20,000 for the cheap
 * variants, 2,500 for those that verify a signature). Variants:
 * - `mw-*`: the middleware alone, called in a loop with request objects shaped like Node's (as row 18);
 * - `http-*`: the bench's own Express apps behind a real HTTP server, driven in the same process by a socket
 *   client that writes fixed request bytes and counts response bytes (a few thousand instructions per request);
 *   `http-bare-auth` is row 36 (bare Express behind a one-line middleware setting `req.auth`), `http-bare-locals`
 *   the same middleware writing `res.locals.auth` instead, `http-floor-req` row 37 (the floor handing its claims
 *   on `req.auth`), and `http-bare-shape` and `http-floor-shape` rows 39 and 40 (bare Express and the floor behind
 *   the `request` listener `requireAuth` prepends);
 * - `*-sdk`: the same as without the suffix, with the OpenTelemetry metrics SDK registered before the verifier
 *   is created (a MeterProvider with a Prometheus reader, as row 19): the cost of instrumentation with the SDK on.
 * Tokens are real RS256 tokens signed before valgrind starts; the JWKS is served inside the child.
 */
import { spawn } from 'node:child_process';
import type { Server } from 'node:http';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createConnection, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { NextFunction, RequestHandler, Response } from 'express';
import type { JWK } from 'jose';
import { createTestKeyPair } from '@jwks-kit/test-kit';
import type { requireAuth } from '@jwks-kit/verifier';
import { claimsFor } from './lib/claims.js';
import { splitCallgrindDump, type WindowSplit } from './lib/callgrind-split.js';
import { startJwksServer } from './lib/jwks-server.js';
import { requestWith } from './lib/middleware-variant.js';
import { createTokenPool, signToken } from './lib/token-pool.js';
import type { ScenarioContext } from './lib/types.js';

const VARIANTS = [
  'mw-none',
  'mw-floor',
  'mw-repeated',
  'mw-distinct',
  'http-bare',
  'http-bare-auth',
  'http-bare-locals',
  'http-bare-shape',
  'http-floor',
  'http-floor-shape',
  'http-floor-req',
  'http-repeated',
  'http-distinct',
  'mw-repeated-sdk',
  'mw-distinct-sdk',
  'http-repeated-sdk',
  'http-distinct-sdk',
] as const;
type Variant = (typeof VARIANTS)[number];

/** Calls per window: enough that a window spans several young-generation collections. */
const CALLS: Readonly<Record<Variant, number>> = {
  'mw-none': 20_000,
  'mw-floor': 2_500,
  'mw-repeated': 20_000,
  'mw-distinct': 2_500,
  'http-bare': 2_500,
  'http-bare-auth': 2_500,
  'http-bare-locals': 2_500,
  'http-bare-shape': 2_500,
  'http-floor': 2_500,
  'http-floor-shape': 2_500,
  'http-floor-req': 2_500,
  'http-repeated': 2_500,
  'http-distinct': 2_500,
  'mw-repeated-sdk': 20_000,
  'mw-distinct-sdk': 2_500,
  'http-repeated-sdk': 2_500,
  'http-distinct-sdk': 2_500,
};

/** Warm-up calls before the first window (over tokens of their own: the windows' distinct tokens are all first-seen). */
const WARMUP = 4000;
/**
 * JWKS freshness the child's key set gets (the verifier's `maxCacheMs` default caps it at 600 s): its background
 * refresh, at 0.8 of that, then falls after the windows of a run of a few minutes, not inside one, where it would
 * count as request cost the first-time compilation of the refresh path.
 */
const JWKS_MAX_AGE_SECONDS = 600;
const ISSUER = 'https://issuer.bench.test';
const AUDIENCE = 'bench-api';

interface Fixture {
  readonly publicJwk: JWK;
  readonly repeated: string;
  readonly pool: readonly string[];
}

/**
 * Ends a measurement window: `process.ppid` is libc's `getppid()`, which callgrind is told to dump its
 * counters before (`--dump-before=getppid`), so each dump holds exactly what ran since the previous one.
 */
const mark = () => void process.ppid;

async function child(variant: Variant, calls: number, windows: number, fixturePath: string): Promise<void> {
  const fixture = JSON.parse(await readFile(fixturePath, 'utf8')) as Fixture;
  const jwks = await startJwksServer([fixture.publicJwk], JWKS_MAX_AGE_SECONDS, { keepIdleSockets: true });
  // undici's first fetch compiles a lot of code: under valgrind it would outlast the key set's fetch timeout
  await (await fetch(jwks.jwksUri)).arrayBuffer();
  const ctx: ScenarioContext = {
    jwksUri: jwks.jwksUri,
    issuer: ISSUER,
    audience: AUDIENCE,
    keyPrefix: 'unused',
    poolSize: fixture.pool.length,
    revocations: 0,
    largeKeyPrefix: 'unused',
    largeRevocations: 0,
    memoryDenylistEntries: 0,
  };
  // `-sdk`: the OpenTelemetry metrics SDK registered first (as row 19), so the verifier records each request
  if (variant.endsWith('-sdk')) await (await import('./lib/otel-sdk.js')).registerMetricsSdk();
  let cursor = 0;
  const tokenFor = variant.includes('-repeated')
    ? () => fixture.repeated
    : () => fixture.pool[cursor++ % fixture.pool.length]!;
  // a warm-up pass first; the pool holds a token for every call after it, so every distinct token is first-seen (as in the bench's rows)
  const warmup = WARMUP;
  if (variant.startsWith('mw-')) {
    const handler = await middlewareFor(variant, ctx);
    const res = { status: () => res, json: () => res, locals: {} } as unknown as Response;
    let failed: unknown;
    const next: NextFunction = (error?: unknown) => {
      if (error !== undefined) failed = error;
    };
    const run = (count: number) => {
      for (let i = 0; i < count; i += 1) {
        handler(requestWith(tokenFor()), res, next);
        if (failed !== undefined) throw new Error(`${variant}: ${String(failed)}`);
      }
    };
    run(warmup);
    for (let w = 0; w < windows; w += 1) {
      mark();
      run(calls);
    }
    mark();
    if (handler !== noop) await (handler as ReturnType<typeof requireAuth>).close?.();
  } else {
    const app = await appFor(variant, ctx);
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const port = (server.address() as AddressInfo).port;
    await drive(port, tokenFor, warmup);
    for (let w = 0; w < windows; w += 1) {
      mark();
      await drive(port, tokenFor, calls);
    }
    mark();
    server.closeAllConnections();
    server.close();
  }
  await jwks.close();
  process.exit(0);
}

const noop: RequestHandler = () => undefined;

async function middlewareFor(variant: Variant, ctx: ScenarioContext): Promise<RequestHandler> {
  if (variant === 'mw-none') return noop;
  if (variant === 'mw-floor') return (await import('./scenarios/floor.js')).floorMiddleware(ctx);
  const { readyRequireAuth } = await import('./scenarios/require-auth.js');
  // under callgrind on a loaded machine the first fetch can outlast the default 5 s
  return readyRequireAuth(ctx, { jwks: { timeoutMs: 120_000 } });
}

async function appFor(variant: Variant, ctx: ScenarioContext) {
  if (variant === 'http-bare') return (await import('./scenarios/bare-express.js')).scenario.createApp(ctx);
  if (variant === 'http-bare-auth')
    return (await import('./scenarios/bare-express.js')).authStoreScenario('req').createApp(ctx);
  if (variant === 'http-bare-locals')
    return (await import('./scenarios/bare-express.js')).authStoreScenario('locals').createApp(ctx);
  if (variant === 'http-bare-shape')
    return (await import('./scenarios/bare-express.js')).shapedBareScenario().createApp(ctx);
  if (variant === 'http-floor-shape')
    return (await import('./scenarios/floor.js')).floorScenario('locals', true).createApp(ctx);
  if (variant === 'http-floor') return (await import('./scenarios/floor.js')).floorScenario('locals').createApp(ctx);
  if (variant === 'http-floor-req') return (await import('./scenarios/floor.js')).floorScenario('req').createApp(ctx);
  return (await import('./scenarios/require-auth.js')).requireAuthScenario('none').createApp(ctx);
}

/** Sends `count` keep-alive GETs one after another on one socket; every answer must be a 200 of one length. */
function drive(port: number, tokenFor: () => string, count: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    let sent = 0;
    let received = 0;
    let expected = 0;
    let first = '';
    const send = () => {
      sent += 1;
      socket.write(
        `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${tokenFor()}\r\nConnection: keep-alive\r\n\r\n`,
      );
    };
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (expected === 0) {
        first += chunk.toString('latin1');
        const end = first.indexOf('\r\n\r\n');
        if (end === -1) return;
        if (!first.startsWith('HTTP/1.1 200 ')) return reject(new Error(`not a 200: ${first.slice(0, 200)}`));
        const length = /content-length: (\d+)/i.exec(first);
        expected = end + 4 + Number(length?.[1] ?? NaN);
      }
      if (received < expected) return;
      if (received > expected) return reject(new Error(`answer of ${received} bytes, expected ${expected}`));
      received = 0;
      if (sent === count) {
        socket.end();
        resolve();
      } else send();
    });
    socket.on('connect', send);
  });
}

/** Instructions (Ir) of each measured window of one callgrind run of `variant`, and with `split` where they ran. */
async function windowsOf(
  variant: Variant,
  calls: number,
  windows: number,
  fixturePath: string,
  dir: string,
  split: boolean,
): Promise<{ figures: number[]; splits: WindowSplit[] }> {
  const out = join(dir, `${variant}-${Math.random().toString(36).slice(2)}.out`);
  const args = [
    '--tool=callgrind',
    '--dump-before=getppid',
    `--callgrind-out-file=${out}`,
    process.execPath,
    '--import',
    'tsx',
    new URL(import.meta.url).pathname,
    `--child=${variant}`,
    `--calls=${calls}`,
    `--windows=${windows}`,
    `--fixture=${fixturePath}`,
  ];
  await new Promise<void>((resolve, reject) => {
    const proc = spawn('valgrind', args, { stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    proc.on('error', reject);
    proc.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${variant}: exit ${code}\n${stderr}`))));
  });
  // node calls getppid() a few times while starting; the last `windows` numbered dumps are the windows
  // (out.N, each ended by the next mark), and the unnumbered one is what ran after the last mark
  const dumps = (await readdir(dir)).filter((name) => name.startsWith(`${basename(out)}.`));
  const last = Math.max(...dumps.map((name) => Number(name.slice(basename(out).length + 1))));
  const figures: number[] = [];
  const splits: WindowSplit[] = [];
  for (let w = last - windows + 1; w <= last; w += 1) {
    const text = await readFile(`${out}.${w}`, 'utf8');
    const match = /^summary: (\d+)/m.exec(text);
    if (!match) throw new Error(`${variant}: no total in dump ${w}`);
    figures.push(Number(match[1]) / calls);
    if (split) splits.push(await splitCallgrindDump(`${out}.${w}`));
  }
  return { figures, splits };
}

async function main(): Promise<void> {
  const args = new Map(
    process.argv.slice(2).map((arg) => {
      const [key, value] = arg.replace(/^--/, '').split('=');
      return [key!, value ?? 'true'];
    }),
  );
  const windows = Number(args.get('windows') ?? 5);
  const childVariant = args.get('child');
  if (childVariant !== undefined)
    return child(childVariant as Variant, Number(args.get('calls')), windows, args.get('fixture')!);
  const scale = Number(args.get('scale') ?? 1);
  const variants = (args.get('variants')?.split(',') ?? [...VARIANTS]) as Variant[];
  for (const v of variants) if (!VARIANTS.includes(v)) throw new Error(`unknown variant ${v}; one of ${VARIANTS}`);
  const parallel = Number(args.get('parallel') ?? 2);
  const dir = await mkdtemp(join(tmpdir(), 'jwks-kit-instructions-'));
  try {
    const key = await createTestKeyPair();
    const ctx = { issuer: ISSUER, audience: AUDIENCE };
    const repeated = signToken(key.privateKey, key.kid, claimsFor(ctx, 999_999, Math.floor(Date.now() / 1000)));
    const distinctCalls = Math.max(...variants.filter((v) => !v.includes('-repeated')).map((v) => CALLS[v]), 0);
    const pool = await createTokenPool(
      key.privateJwk,
      key.kid,
      ctx,
      WARMUP + windows * Math.round(distinctCalls * scale),
    );
    const fixturePath = args.get('save-fixture') ?? join(dir, 'fixture.json');
    await writeFile(fixturePath, JSON.stringify({ publicJwk: key.publicJwk, repeated, pool } satisfies Fixture));
    // the tokens alone, for running a child without valgrind (e.g. under --cpu-prof)
    if (args.has('save-fixture')) return;
    const split = args.has('split');
    const results = new Map<Variant, { figures: number[]; splits: WindowSplit[] }>();
    const queue = [...variants];
    await Promise.all(
      Array.from({ length: parallel }, async () => {
        for (let v = queue.shift(); v !== undefined; v = queue.shift())
          results.set(v, await windowsOf(v, Math.round(CALLS[v] * scale), windows, fixturePath, dir, split));
      }),
    );
    console.log(`instructions per call (callgrind Ir), ${windows} windows after ${WARMUP} warm-up calls`);
    console.log(`${'variant'.padEnd(14)} ${'median'.padStart(9)} ${'mean'.padStart(9)}   windows`);
    const format = (n: number) => Math.round(n).toLocaleString('en-US').padStart(9);
    const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    for (const variant of variants) {
      const { figures } = results.get(variant)!;
      const mean = figures.reduce((a, b) => a + b, 0) / figures.length;
      console.log(
        `${variant.padEnd(14)} ${format(median(figures))} ${format(mean)}   ${figures.map(format).join(' ')}`,
      );
    }
    if (!split) return;
    const parts = ['mutator', 'crypto', 'mainGc', 'threads'] as const;
    console.log(`\nper call, split by where it ran (medians over the windows; mutator windows after the colon)`);
    console.log(`${'variant'.padEnd(14)} ${parts.map((part) => part.padStart(9)).join(' ')}`);
    for (const variant of variants) {
      const { splits } = results.get(variant)!;
      const calls = Math.round(CALLS[variant] * scale);
      const perCall = (part: (typeof parts)[number]) => splits.map((window) => window[part] / calls);
      const row = parts.map((part) => format(median(perCall(part)))).join(' ');
      console.log(`${variant.padEnd(14)} ${row}   : ${perCall('mutator').map(format).join(' ')}`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
