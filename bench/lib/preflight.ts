import type { LoadPlan, ParentTokens } from './types.js';

/** Thrown when a server under test answers a pre-flight request wrongly: it is then not timed. */
export class PreflightError extends Error {
  override readonly name = 'PreflightError';
}

/** Sends one GET and checks its status (and `{ ok: true }` body on 200). Returns the response headers. */
export async function expectStatus(
  url: string,
  headers: Record<string, string>,
  status: number,
  label: string,
): Promise<Headers> {
  const response = await fetch(url, { headers });
  const body = await response.text();
  if (response.status !== status) {
    throw new PreflightError(`${label}: expected ${status}, got ${response.status} ${body.slice(0, 200)}`);
  }
  if (status === 200 && new URL(url).pathname === '/') {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed !== 'object' || parsed === null || (parsed as { ok?: unknown }).ok !== true) {
      throw new PreflightError(`${label}: expected body { ok: true }, got ${body.slice(0, 200)}`);
    }
  }
  return response.headers;
}

/** Pre-flight of an unauthenticated route (bare Express). */
export async function prepareOpen(baseUrl: string, headers: Readonly<Record<string, string>> = {}): Promise<LoadPlan> {
  await expectStatus(`${baseUrl}/`, headers, 200, 'open route');
  return { path: '/', headers: { ...headers } };
}

/**
 * Pre-flight of an authenticated route: 200 for the repeated token and pool tokens, 401 for a
 * token with a wrong signature and for no token at all (a middleware that lets everything
 * through must not be timed); with `denylist`, also 401 for a revoked token. Returns the plan for repeated or rotating tokens.
 */
export async function prepareAuth(
  baseUrl: string,
  tokens: ParentTokens,
  rotate: boolean,
  denylist = false,
): Promise<LoadPlan> {
  const url = `${baseUrl}/`;
  if (denylist) await expectStatus(url, { authorization: `Bearer ${tokens.revoked}` }, 401, 'revoked token');
  await expectStatus(url, { authorization: `Bearer ${tokens.repeated}` }, 200, 'valid token');
  for (const token of [tokens.pool[0], tokens.pool[tokens.pool.length - 1]]) {
    if (token) await expectStatus(url, { authorization: `Bearer ${token}` }, 200, 'pool token');
  }
  await expectStatus(url, { authorization: `Bearer ${tokens.badSignature}` }, 401, 'bad signature');
  await expectStatus(url, {}, 401, 'no token');
  return rotate
    ? { path: '/', headers: {}, rotateTokens: true }
    : { path: '/', headers: { authorization: `Bearer ${tokens.repeated}` } };
}
