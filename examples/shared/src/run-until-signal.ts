/**
 * Keeps a server process up until SIGINT or SIGTERM, then runs `stop` once and exits (0 on a clean
 * stop, 1 when stopping failed). Further signals while stopping are ignored: Ctrl-C in a terminal
 * reaches the demo runner and its children together, and the runner then sends SIGTERM as well.
 */
export function runUntilSignal(name: string, stop: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`${name}: ${signal} received, stopping`);
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`${name}: stop failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
