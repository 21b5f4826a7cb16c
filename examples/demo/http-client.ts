/** What a tour request answered: status, parsed JSON body (or text), headers. */
export type Reply = Readonly<{ status: number; body: unknown; headers: Headers }>;

/** Options of one request. */
export type RequestOptions = Readonly<{
  token?: string;
  json?: unknown;
  form?: Record<string, string>;
  headers?: Record<string, string>;
}>;

/** Sends one request the way a CLI or service client would (Bearer header, JSON or form body). */
export async function send(method: string, url: string, options: RequestOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined;
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(options.form).toString();
  }
  const res = await fetch(url, { method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/** The `error` / `code` member of an error body, for display and checks. */
export function errorCode(reply: Reply): string | undefined {
  const body = reply.body as { code?: unknown; error?: unknown } | undefined;
  if (body && typeof body.code === 'string') return body.code;
  if (body && typeof body.error === 'string') return body.error;
  return undefined;
}

/** A string member of a compact JWS header (display only: nothing here verifies anything), or `undefined`. */
function headerMember(token: string, name: 'kid' | 'alg'): string | undefined {
  try {
    const header = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    return typeof header[name] === 'string' ? header[name] : undefined;
  } catch {
    return undefined;
  }
}

/** The `kid` of a compact JWS header (display only). */
export function kidOf(token: string): string | undefined {
  return headerMember(token, 'kid');
}

/** The `alg` of a compact JWS header (display only: the services verify it). */
export function algOf(token: string): string | undefined {
  return headerMember(token, 'alg');
}

/** The payload of a compact JWS (display only: the client reads its own token to show `cnf.jkt`; nothing is verified). */
export function claimsOf(token: string): Record<string, unknown> | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as unknown;
    return typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
