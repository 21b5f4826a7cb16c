import { createServer, type Server, type ServerResponse } from 'node:http';

/** How the JWKS server answers: a good set, or one of the abuses a verifier must survive. */
export type JwksMode =
  | Readonly<{ kind: 'serve'; body: unknown }>
  | Readonly<{ kind: 'trickle'; intervalMs: number }>
  | Readonly<{ kind: 'silent' }>
  | Readonly<{ kind: 'huge'; bytes: number; declareLength: boolean }>
  | Readonly<{ kind: 'redirect'; status: number; location: string }>;

/** A JWKS endpoint on a real socket whose behaviour a test switches, counting every request. */
export type JwksServer = Readonly<{
  url: string;
  /** Requests received so far. */
  requests: () => number;
  /** Bytes written in answers so far. */
  bytesSent: () => number;
  setMode: (mode: JwksMode) => void;
  close: () => Promise<void>;
}>;

/** Starts a JWKS server on a free loopback port, serving `body` until told otherwise. */
export async function startJwksServer(body: unknown): Promise<JwksServer> {
  let mode: JwksMode = { kind: 'serve', body };
  let requests = 0;
  let bytes = 0;
  const timers = new Set<NodeJS.Timeout>();
  const write = (res: ServerResponse, chunk: string | Buffer) => {
    bytes += chunk.length;
    res.write(chunk);
  };
  const server: Server = createServer((req, res) => {
    requests += 1;
    const current = mode;
    switch (current.kind) {
      case 'serve': {
        const text = JSON.stringify(current.body);
        bytes += text.length;
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'public, max-age=300' }).end(text);
        return;
      }
      case 'trickle': {
        res.writeHead(200, { 'content-type': 'application/json' });
        const text = JSON.stringify({ keys: [] }).padEnd(10_000, ' ');
        let i = 0;
        const timer = setInterval(() => {
          if (i >= text.length || res.destroyed) {
            clearInterval(timer);
            timers.delete(timer);
            res.end();
            return;
          }
          write(res, text[i++] as string);
        }, current.intervalMs);
        timers.add(timer);
        return;
      }
      case 'silent':
        // Accepts the request and never answers: the client's own timeout must end it.
        return;
      case 'huge': {
        const head = '{"keys":[],"padding":"';
        const tail = '"}';
        const headers: Record<string, string | number> = { 'content-type': 'application/json' };
        if (current.declareLength) headers['content-length'] = current.bytes;
        res.writeHead(200, headers);
        write(res, head);
        const chunk = Buffer.alloc(65_536, 'a');
        let left = current.bytes - head.length - tail.length;
        const pump = () => {
          while (left > 0 && !res.destroyed) {
            const part = left >= chunk.length ? chunk : chunk.subarray(0, left);
            left -= part.length;
            bytes += part.length;
            if (!res.write(part)) {
              res.once('drain', pump);
              return;
            }
          }
          if (!res.destroyed) res.end(tail);
        };
        pump();
        return;
      }
      case 'redirect':
        res.writeHead(current.status, { location: current.location }).end();
        return;
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    requests: () => requests,
    bytesSent: () => bytes,
    setMode: (next) => {
      mode = next;
    },
    close: async () => {
      for (const timer of timers) clearInterval(timer);
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
