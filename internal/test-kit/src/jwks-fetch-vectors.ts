import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The byte cap every caller runs the vectors under (the CLI's fixed 1 MiB; the verifier is given the same). */
export const VECTOR_MAX_JWKS_BYTES = 1024 * 1024;

/** One answer of a JWKS server every fetching path (remote key set, discovery, CLI) must refuse the same way. */
export interface JwksFetchVector {
  readonly name: string;
  /** Served at `/<name>` (and `/<name>/.well-known/openid-configuration`) by {@link startJwksFetchVectorServer}. */
  readonly answer: (res: ServerResponse) => void;
  /** The `code` of the fetch error (`JwksFetchError` of `@jwks-kit/core`, the verifier's `KeySetError`). */
  readonly expected:
    'ERR_JWKS_TOO_LARGE' | 'ERR_JWKS_REDIRECT' | 'ERR_JWKS_TIMEOUT' | 'ERR_JWKS_INVALID' | 'ERR_JWKS_HTTP_STATUS';
  /** Words the error message must hold (what an operator needs to see). */
  readonly messageIncludes: readonly string[];
  /** Whether the CLI reports it as unreachable (`ERR_CLI_UNREACHABLE`) rather than a bad JWKS. */
  readonly unreachable: boolean;
}

const oversize = Buffer.alloc(VECTOR_MAX_JWKS_BYTES + 1, 0x20);

/**
 * The JWKS fetch table: oversize bodies (declared and streamed), a redirect, no answer (timeout: run the
 * callers with a timeout of about 1 s), non-JSON, an HTML login page, an HTTP error.
 */
export const JWKS_FETCH_VECTORS: readonly JwksFetchVector[] = Object.freeze<JwksFetchVector[]>([
  {
    name: 'oversize-declared',
    answer: (res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(oversize.length) });
      res.end(oversize);
    },
    expected: 'ERR_JWKS_TOO_LARGE',
    messageIncludes: [`more than ${VECTOR_MAX_JWKS_BYTES} bytes`],
    unreachable: false,
  },
  {
    name: 'oversize-streamed',
    answer: (res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(oversize.subarray(0, 600_000));
      res.end(oversize.subarray(600_000));
    },
    expected: 'ERR_JWKS_TOO_LARGE',
    messageIncludes: [`more than ${VECTOR_MAX_JWKS_BYTES} bytes`],
    unreachable: false,
  },
  {
    name: 'redirect',
    answer: (res) => {
      res.writeHead(302, { location: 'https://elsewhere.example/jwks.json' });
      res.end();
    },
    expected: 'ERR_JWKS_REDIRECT',
    messageIncludes: ['302', 'https://elsewhere.example/jwks.json', 'redirects are not followed'],
    unreachable: false,
  },
  {
    name: 'no-answer',
    answer: () => undefined,
    expected: 'ERR_JWKS_TIMEOUT',
    messageIncludes: ['did not answer within'],
    unreachable: true,
  },
  {
    name: 'not-json',
    answer: (res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('keys: none');
    },
    expected: 'ERR_JWKS_INVALID',
    messageIncludes: ['did not answer with JSON', 'text/plain'],
    unreachable: false,
  },
  {
    name: 'html-login-page',
    answer: (res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!DOCTYPE html><html><body>Sign in</body></html>');
    },
    expected: 'ERR_JWKS_INVALID',
    messageIncludes: ['text/html; charset=utf-8', 'looks like HTML'],
    unreachable: false,
  },
  {
    name: 'http-error',
    answer: (res) => {
      res.writeHead(503, { 'content-type': 'text/plain' });
      res.end('down');
    },
    expected: 'ERR_JWKS_HTTP_STATUS',
    messageIncludes: ['status 503'],
    unreachable: false,
  },
]);

/** A real HTTP server on a free port answering `/<vector name>` (and its discovery URL) as the vector says. */
export interface JwksFetchVectorServer {
  /** The URL serving `vector`. */
  url(vector: JwksFetchVector): string;
  close(): Promise<void>;
}

/** Starts the server of {@link JWKS_FETCH_VECTORS} on 127.0.0.1 (port 0). */
export async function startJwksFetchVectorServer(): Promise<JwksFetchVectorServer> {
  const server = createServer((req, res) => {
    const name = req.url?.replace(/^\/([^/]+)(\/\.well-known\/openid-configuration)?$/, '$1');
    const vector = JWKS_FETCH_VECTORS.find((candidate) => candidate.name === name);
    if (vector === undefined) {
      res.writeHead(404).end();
      return;
    }
    vector.answer(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (vector) => `http://127.0.0.1:${port}/${vector.name}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
