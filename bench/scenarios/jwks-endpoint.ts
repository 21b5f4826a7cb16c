import express from 'express';
import { createKeyRing, createMemoryKeyStore, jwksHandler } from '@jwks-kit/issuer';
import { expectStatus, PreflightError } from '../lib/preflight.js';
import type { HttpScenarioModule, LoadPlan } from '../lib/types.js';

export const JWKS_PATH = '/.well-known/jwks.json';

/** Scenario 11: the issuer's JWKS endpoint (active + next key) served by `jwksHandler`. */
export const scenario: HttpScenarioModule = {
  kind: 'http',
  async createApp() {
    const keyRing = await createKeyRing({
      store: createMemoryKeyStore(),
      maxJwksCacheAgeMs: 600_000,
      maxTokenLifetimeSeconds: 3600,
    });
    const app = express();
    app.get(JWKS_PATH, jwksHandler(keyRing));
    return app;
  },
};

/**
 * Pre-flight of the JWKS endpoint: 200 with public members only and a strong ETag, then 304 for
 * `If-None-Match` with that ETag. `conditional` loads with the ETag (every answer a 304).
 */
export async function prepareJwks(baseUrl: string, conditional: boolean): Promise<LoadPlan> {
  const url = `${baseUrl}${JWKS_PATH}`;
  const response = await fetch(url);
  const body = (await response.json()) as { keys?: Array<Record<string, unknown>> };
  const etag = response.headers.get('etag');
  if (response.status !== 200 || !etag || !Array.isArray(body.keys) || body.keys.length === 0) {
    throw new PreflightError(`JWKS: expected 200 with keys and an ETag, got ${response.status}`);
  }
  if (body.keys.some((k) => 'd' in k || 'p' in k)) throw new PreflightError('JWKS: private members in the response');
  await expectStatus(url, { 'if-none-match': etag }, 304, 'If-None-Match');
  return conditional
    ? { path: JWKS_PATH, headers: { 'if-none-match': etag }, expectStatus: 304 }
    : { path: JWKS_PATH, headers: {} };
}
