/**
 * The process under test: runs ONE scenario (argv[2]) with the context in BENCH_CONTEXT, and
 * answers the orchestrator over IPC. HTTP scenarios listen on a free port; micro benchmarks run
 * their loops here, on the pinned core.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { findScenario } from './scenarios/index.js';
import { runMicro } from './lib/micro.js';
import type { ChildMessage, MicroBench, ParentMessage, ScenarioContext } from './lib/types.js';

const send = (message: ChildMessage) => process.send?.(message);

async function main(): Promise<void> {
  const id = process.argv[2] ?? '';
  const ctx = JSON.parse(process.env.BENCH_CONTEXT ?? '{}') as ScenarioContext;
  const mod = await findScenario(id).load();
  let server: Server | undefined;
  let micro: MicroBench | undefined;
  if (mod.kind === 'http') {
    const app = await mod.createApp(ctx);
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    server.keepAliveTimeout = 60_000;
    send({ type: 'ready', port: (server.address() as AddressInfo).port });
  } else if (mod.kind === 'micro') {
    micro = await mod.setup(ctx);
    send({ type: 'ready' });
  } else {
    send({ type: 'ready' });
  }
  // The orchestrator is gone (finished, interrupted or crashed): leave with it.
  process.on('disconnect', () => process.exit(0));
  process.on('message', (message: ParentMessage) => {
    void (async () => {
      try {
        if (message.type === 'micro' && micro) {
          send({ type: 'micro-result', opsPerSec: await runMicro(micro, message.durationMs) });
        } else if (message.type === 'probe' && mod.kind === 'probe') {
          send({ type: 'probe-result', values: await mod.probe(ctx, message.tokens) });
        } else if (message.type === 'memory') {
          const usage = process.memoryUsage();
          send({ type: 'memory-result', rssBytes: usage.rss, heapUsedBytes: usage.heapUsed });
        } else if (message.type === 'cpu') {
          const { user, system } = process.cpuUsage();
          send({
            type: 'cpu-result',
            cpuMicros: user + system,
            userMicros: user,
            wallMicros: Number(process.hrtime.bigint() / 1000n),
          });
        } else if (message.type === 'control' && mod.kind === 'http' && mod.control) {
          await mod.control(message.action);
          send({ type: 'control-result' });
        } else if (message.type === 'stats' && mod.kind === 'http') {
          send({ type: 'stats-result', values: mod.stats?.() ?? {} });
        } else if (message.type === 'close') {
          await micro?.close?.();
          server?.closeAllConnections();
          server?.close();
          // process.exit() still lets --cpu-prof write its profile.
          process.exit(0);
        } else {
          send({ type: 'error', message: `unexpected message ${message.type} for a ${mod.kind} scenario` });
        }
      } catch (error) {
        send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      }
    })();
  });
}

main().catch((error: unknown) => {
  send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exitCode = 1;
  setTimeout(() => process.exit(1), 100);
});
