import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { createHash } from 'node:crypto';
import type { JWK } from 'jose';

/** How the test JWKS server answers one request; return nothing to leave the request hanging. */
export type JwksHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** A real HTTP server on 127.0.0.1:0 that serves a JWKS and counts requests, for the key-cache tests. */
export interface JwksServer {
  /** `http://127.0.0.1:PORT/jwks.json`. */
  readonly url: string;
  readonly origin: string;
  /** Requests received so far (any path). */
  readonly requests: IncomingMessage[];
  /** Keys served by the default handler. */
  keys: JWK[];
  /** `Cache-Control` of the default handler (none when undefined). */
  cacheControl: string | undefined;
  /** Whether the default handler sends an ETag and answers 304 to a matching If-None-Match. */
  etags: boolean;
  /** Replaces the handler; `undefined` restores the default one. */
  handle(handler: JwksHandler | undefined): void;
  close(): Promise<void>;
}

/** Starts a {@link JwksServer} serving `keys`. */
export async function startJwksServer(keys: JWK[]): Promise<JwksServer> {
  let custom: JwksHandler | undefined;
  const requests: IncomingMessage[] = [];
  const state: JwksServer = {
    url: '',
    origin: '',
    requests,
    keys,
    cacheControl: 'public, max-age=300',
    etags: true,
    handle(handler) {
      custom = handler;
    },
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
  const serveJwks: JwksHandler = (req, res) => {
    const body = JSON.stringify({ keys: state.keys });
    const etag = `"${createHash('sha256').update(body).digest('base64url')}"`;
    if (state.cacheControl !== undefined) res.setHeader('cache-control', state.cacheControl);
    res.setHeader('content-type', 'application/jwk-set+json');
    if (state.etags) {
      res.setHeader('etag', etag);
      if (req.headers['if-none-match'] === etag) {
        res.statusCode = 304;
        res.end();
        return;
      }
    }
    res.end(body);
  };
  const server: Server = createServer((req, res) => {
    requests.push(req);
    (custom ?? serveJwks)(req, res);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, { origin: `http://127.0.0.1:${port}`, url: `http://127.0.0.1:${port}/jwks.json` });
}
