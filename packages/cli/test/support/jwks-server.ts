import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One canned answer of the test JWKS server. */
export interface JwksAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A real HTTP server on a free port (port 0) answering whatever `answer` holds. */
export async function startJwksServer(
  answer: JwksAnswer,
): Promise<{ url: string; answer: JwksAnswer; close: () => Promise<void> }> {
  const server = createServer((_req, res) => {
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    answer,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Answers a JWK Set the way a jwks-kit issuer does. */
export function jwksAnswer(body: unknown): JwksAnswer {
  return {
    status: 200,
    headers: { 'content-type': 'application/json', 'cache-control': 'public, max-age=300' },
    body: JSON.stringify(body),
  };
}
