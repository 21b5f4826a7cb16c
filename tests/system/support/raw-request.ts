import { connect } from 'node:net';

/** One request written byte for byte: header lines as given (repeats and case kept). */
export type RawRequest = Readonly<{
  method?: string;
  path: string;
  headers?: ReadonlyArray<readonly [string, string]>;
  body?: string;
}>;

/** What came back: status (0 when the server closed without answering), headers (lower-case names, repeats joined with ", "), body text. */
export type RawResponse = Readonly<{
  status: number;
  headers: Readonly<Record<string, string>>;
  body: string;
  raw: string;
}>;

/**
 * Sends one HTTP/1.1 request over a fresh TCP connection (`Connection: close`) and reads the answer
 * to the end. Unlike fetch, it can send repeated `Authorization` headers and header values no
 * client library would produce.
 */
export function rawRequest(baseUrl: string, request: RawRequest, timeoutMs = 10_000): Promise<RawResponse> {
  const url = new URL(baseUrl);
  const lines = [`${request.method ?? 'GET'} ${request.path} HTTP/1.1`, `Host: ${url.host}`, 'Connection: close'];
  for (const [name, value] of request.headers ?? []) lines.push(`${name}: ${value}`);
  if (request.body !== undefined) lines.push(`Content-Length: ${Buffer.byteLength(request.body)}`);
  const payload = `${lines.join('\r\n')}\r\n\r\n${request.body ?? ''}`;
  return new Promise((resolve, reject) => {
    const socket = connect({ host: url.hostname, port: Number(url.port) });
    const chunks: Buffer[] = [];
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no complete answer within ${timeoutMs} ms`)));
    socket.on('connect', () => socket.write(payload));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (error) => {
      // The server may answer and reset before reading everything we sent (e.g. 431): keep what arrived.
      if (chunks.length > 0) resolve(parseResponse(Buffer.concat(chunks).toString('latin1')));
      else reject(error);
    });
    socket.on('close', () => {
      if (chunks.length > 0) resolve(parseResponse(Buffer.concat(chunks).toString('latin1')));
      else resolve({ status: 0, headers: {}, body: '', raw: '' });
    });
  });
}

function parseResponse(raw: string): RawResponse {
  const end = raw.indexOf('\r\n\r\n');
  const head = end === -1 ? raw : raw.slice(0, end);
  let body = end === -1 ? '' : raw.slice(end + 4);
  const [statusLine = '', ...headerLines] = head.split('\r\n');
  const status = Number(statusLine.split(' ')[1]);
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon === -1) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  if (headers['transfer-encoding']?.includes('chunked')) body = dechunk(body);
  return { status, headers, body: Buffer.from(body, 'latin1').toString('utf8'), raw };
}

function dechunk(body: string): string {
  let out = '';
  let rest = body;
  for (;;) {
    const lineEnd = rest.indexOf('\r\n');
    if (lineEnd === -1) return out;
    const size = parseInt(rest.slice(0, lineEnd), 16);
    if (!Number.isFinite(size) || size === 0) return out;
    out += rest.slice(lineEnd + 2, lineEnd + 2 + size);
    rest = rest.slice(lineEnd + 2 + size + 2);
  }
}
