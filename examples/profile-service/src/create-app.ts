import type { Express } from 'express';
import { requireScopes } from '@jwks-kit/verifier';
import { AUDIENCES } from '../../shared/src/audiences.js';
import { createResourceApp, type ResourceAppDeps } from '../../shared/src/resource-service.js';

/** What the profile service needs: the shared resource-service dependencies. */
export type ProfileAppDeps = ResourceAppDeps;

// A Map, not an object literal: a `sub` such as `__proto__` or `toString` is just an unknown name.
const DISPLAY_NAMES: ReadonlyMap<string, string> = new Map([
  ['alice', 'Alice Liddell'],
  ['bob', 'Bob Builder'],
  ['admin', 'Administrator'],
]);

/** The profile service: `GET /me` needs `profile:read` and answers from the verified claims. */
export function createApp(deps: ProfileAppDeps): Express {
  return createResourceApp(
    deps,
    AUDIENCES.profile,
    (app, authenticate) => {
      app.get('/me', authenticate, requireScopes(['profile:read']), (req, res) => {
        const claims = req.auth?.claims;
        const sub = String(claims?.sub);
        res.json({ sub, name: DISPLAY_NAMES.get(sub) ?? sub, scope: claims?.scope, token_expires_at: claims?.exp });
      });
    },
    ['profile:read'],
  );
}
