import type { Server } from 'node:http';
import type { Express } from 'express';

/** A listening app and how to stop it. */
export type RunningServer = Readonly<{ server: Server; url: string; close: () => Promise<void> }>;

/**
 * Listens on `host:port` (loopback by default: the demo users' passwords are public) and resolves once
 * bound. `close()` stops accepting, ends idle keep-alive connections and resolves when all are closed.
 */
export function listen(app: Express, port: number, host = '127.0.0.1'): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    server.once('error', reject);
    server.once('listening', () => {
      server.off('error', reject);
      const address = server.address();
      const boundPort = typeof address === 'object' && address ? address.port : port;
      resolve({
        server,
        url: `http://${host}:${boundPort}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeIdleConnections();
          }),
      });
    });
  });
}
