import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';

/** The issuer's JWKS, served by the orchestrator so that key fetches cost the measured process nothing. */
export interface JwksServer {
  readonly jwksUri: string;
  /** Requests answered so far (a verifier that refetches on every request would show here). */
  readonly hits: () => number;
  close(): Promise<void>;
}

/**
 * Serves `{ keys }` at `/.well-known/jwks.json` with `Cache-Control: public, max-age=<maxAgeSeconds>` (default 300).
 * `keepIdleSockets` stops the server from closing idle keep-alive sockets after Node's 5 s: under valgrind a
 * client's next fetch can take that long to start and then race the close on its pooled socket (`ECONNRESET`).
 */
export async function startJwksServer(
  keys: readonly JWK[],
  maxAgeSeconds = 300,
  { keepIdleSockets = false }: { readonly keepIdleSockets?: boolean } = {},
): Promise<JwksServer> {
  const body = JSON.stringify({ keys });
  let hits = 0;
  const server = createServer((req, res) => {
    if (req.url !== '/.well-known/jwks.json') {
      res.writeHead(404).end();
      return;
    }
    hits += 1;
    res.writeHead(200, {
      'content-type': 'application/json',
      'cache-control': `public, max-age=${maxAgeSeconds}`,
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  });
  if (keepIdleSockets) server.keepAliveTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    jwksUri: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    hits: () => hits,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
