import { Agent, request } from 'node:http';

/** Status and body text of one answer. */
export type HttpReply = Readonly<{ status: number; body: string }>;

/** A keep-alive HTTP/1.1 client for load: node:http with pooled sockets (much lighter than fetch per request). */
export type HttpClient = Readonly<{
  get: (url: string, headers?: Readonly<Record<string, string>>) => Promise<HttpReply>;
  post: (url: string, body: string, headers?: Readonly<Record<string, string>>) => Promise<HttpReply>;
  close: () => void;
}>;

/** Creates a client whose pool holds at most `maxSockets` connections per host; a request fails after `timeoutMs`. */
export function createHttpClient(maxSockets = 32, timeoutMs = 10_000): HttpClient {
  const agent = new Agent({ keepAlive: true, maxSockets });
  const send = (method: string, url: string, body: string | undefined, headers: Readonly<Record<string, string>>) =>
    new Promise<HttpReply>((resolve, reject) => {
      const req = request(
        url,
        {
          method,
          agent,
          headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${url} timed out`)));
      req.on('error', reject);
      req.end(body);
    });
  return {
    get: (url, headers = {}) => send('GET', url, undefined, headers),
    post: (url, body, headers = {}) => send('POST', url, body, headers),
    close: () => agent.destroy(),
  };
}

/** The `code` and `error_description` of a JSON error body (each `undefined` when absent or not a string). */
function errorBody(reply: HttpReply): { code: string | undefined; description: string | undefined } {
  try {
    const body = JSON.parse(reply.body) as { code?: unknown; error_description?: unknown };
    return {
      code: typeof body.code === 'string' ? body.code : undefined,
      description: typeof body.error_description === 'string' ? body.error_description : undefined,
    };
  } catch {
    return { code: undefined, description: undefined };
  }
}

/** The `code` of a JSON error body, if any. */
export function codeOf(reply: HttpReply): string | undefined {
  return errorBody(reply).code;
}

/** `code: error_description` of a refusal's JSON body (what a failed request's tally shows), or the code alone. */
export function refusalOf(reply: HttpReply): string | undefined {
  const { code, description } = errorBody(reply);
  return description === undefined ? code : `${code}: ${description}`;
}
