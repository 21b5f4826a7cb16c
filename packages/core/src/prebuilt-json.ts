/** The parts of a request {@link prebuiltJsonHandler} reads (an Express or Node request fits). */
export interface PrebuiltJsonRequest {
  readonly method?: string | undefined;
}

/** The parts of a response it writes (an Express `Response` or a Node `ServerResponse` fits). */
export interface PrebuiltJsonResponse {
  statusCode: number;
  setHeader(name: string, value: string | number): unknown;
  end(body?: Uint8Array): unknown;
}

/** A JSON body serialised once, with the headers it is served with. */
export interface PrebuiltJson {
  readonly body: Uint8Array;
  readonly contentType: string;
  readonly cacheControl: string;
}

/** Options of {@link prebuildJson} and {@link prebuiltJsonHandler}. */
export type PrebuiltJsonOptions = Readonly<{
  /** `Cache-Control: public, max-age=N`, in seconds. */
  maxAgeSeconds: number;
  /** @default 'application/json' */
  contentType?: string;
}>;

/**
 * Serialises `document` once (JSON, members that are `undefined` left out) for {@link sendPrebuiltJson}.
 * Throws a TypeError `` option `maxAgeSeconds` must be a non-negative integer ``.
 */
export function prebuildJson(document: unknown, options: PrebuiltJsonOptions): PrebuiltJson {
  const { maxAgeSeconds } = options;
  if (!Number.isSafeInteger(maxAgeSeconds) || maxAgeSeconds < 0)
    throw new TypeError('option `maxAgeSeconds` must be a non-negative integer');
  return {
    body: new TextEncoder().encode(JSON.stringify(document)),
    contentType: options.contentType ?? 'application/json',
    cacheControl: `public, max-age=${maxAgeSeconds}`,
  };
}

/** Answers 200 with a prebuilt body (no body to HEAD): Content-Type, Cache-Control and Content-Length set. */
export function sendPrebuiltJson(req: PrebuiltJsonRequest, res: PrebuiltJsonResponse, prebuilt: PrebuiltJson): void {
  res.statusCode = 200;
  res.setHeader('Content-Type', prebuilt.contentType);
  res.setHeader('Cache-Control', prebuilt.cacheControl);
  res.setHeader('Content-Length', prebuilt.body.byteLength);
  res.end(req.method === 'HEAD' ? undefined : prebuilt.body);
}

/**
 * A middleware serving `document` (serialised once, here) to GET and HEAD; other methods pass to `next()`.
 * The metadata endpoints of the kit (discovery, RFC 9728 protected resource metadata) are this.
 */
export function prebuiltJsonHandler(
  document: unknown,
  options: PrebuiltJsonOptions,
): (req: PrebuiltJsonRequest, res: PrebuiltJsonResponse, next: () => void) => void {
  const prebuilt = prebuildJson(document, options);
  return function prebuiltJson(req, res, next) {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      next();
      return;
    }
    sendPrebuiltJson(req, res, prebuilt);
  };
}
