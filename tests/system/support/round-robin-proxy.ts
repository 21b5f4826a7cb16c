import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A load balancer in front of issuer replicas: each request goes to the next target in turn. */
export type RoundRobinProxy = Readonly<{
  url: string;
  /** How many requests each target received, in target order. */
  counts: () => readonly number[];
  close: () => Promise<void>;
}>;

/**
 * Starts a round-robin HTTP/1.1 reverse proxy on a free port of 127.0.0.1 in front of `targets`
 * (`http://127.0.0.1:PORT`, as a Kubernetes Service spreads requests over pods). A target that
 * refuses the connection answers 502, as a real balancer without retries would.
 */
export async function startRoundRobinProxy(targets: readonly string[]): Promise<RoundRobinProxy> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const counts = targets.map(() => 0);
  let turn = 0;
  const server = createServer((req, res) => {
    const index = turn++ % targets.length;
    counts[index]! += 1;
    const upstream = request(
      new URL(req.url ?? '/', targets[index]),
      { method: req.method, headers: { ...req.headers, host: new URL(targets[index]!).host }, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts: () => [...counts],
    close: async () => {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
