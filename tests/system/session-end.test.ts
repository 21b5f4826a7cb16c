import request from 'supertest';
import type { Express } from 'express';
import { Redis } from 'ioredis';
import { createMemoryDenylist, type Denylist } from '@jwks-kit/denylist';
import { createRedisDenylist, type RedisDenylist } from '@jwks-kit/denylist/redis';
import { createAccessTokenSigner } from '@jwks-kit/issuer';
import {
  createMemoryRefreshTokenStore,
  createRefreshTokenService,
  RefreshTokenError,
  type RefreshTokenService,
} from '@jwks-kit/issuer/sessions';
import { startRedis, type TestRedis } from '@jwks-kit/test-kit';
import { AUDIENCES } from '@jwks-kit/examples/shared/audiences';
import { startTestIssuer, type TestIssuer } from './support/real-issuer.js';
import { createApp as createOrdersApp } from '@jwks-kit/examples/orders-service';
import { createApp as createProfileApp } from '@jwks-kit/examples/profile-service';

const REFRESHES = 100;

/** Two real resource services (Express apps with requireAuth), each on its own denylist instance. */
function createServices(issuer: TestIssuer, denylists: readonly [Denylist, Denylist]) {
  const deps = (denylist: Denylist) => ({
    issuerUrl: issuer.issuer,
    keySet: issuer.keySet,
    denylist,
    allowedOrigins: [],
    log: () => {},
  });
  return [
    { app: createOrdersApp(deps(denylists[0])), path: '/orders' },
    { app: createProfileApp(deps(denylists[1])), path: '/me' },
  ] as const satisfies readonly { app: Express; path: string }[];
}

/** Tokens some service still accepts (200), out of `tokens`. */
async function acceptedBy(services: ReturnType<typeof createServices>, tokens: readonly string[]): Promise<number> {
  let accepted = 0;
  for (const token of tokens) {
    for (const { app, path } of services) {
      const res = await request(app).get(path).set('Authorization', `Bearer ${token}`);
      if (res.status === 200) {
        accepted += 1;
        break;
      }
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('token_revoked');
    }
  }
  return accepted;
}

/** Pub/sub reaches the other mirrors within milliseconds: waits (bounded) until the newest token is refused. */
async function untilRevocationArrives(services: ReturnType<typeof createServices>, tokens: readonly string[]) {
  for (let i = 0; i < 100 && (await acceptedBy(services, tokens.slice(-1))) > 0; i++)
    await new Promise((r) => setTimeout(r, 20));
}

/** A session of `REFRESHES` refreshes: the first grant and every access token it was issued. */
async function longSession(sessions: RefreshTokenService, sub: string) {
  const first = await sessions.start({ sub, scope: 'orders:read profile:read', clientId: 'cli' });
  let grant = first;
  const tokens = [grant.accessToken];
  for (let i = 0; i < REFRESHES; i++) {
    grant = await sessions.rotate(grant.refreshToken);
    tokens.push(grant.accessToken);
  }
  return { first, last: grant, tokens };
}

function createSessions(issuer: TestIssuer, denylist: Denylist): RefreshTokenService {
  const signer = createAccessTokenSigner({
    issuer: issuer.issuer,
    keyRing: issuer.keyRing,
    defaultAudience: Object.values(AUDIENCES),
    defaultTtlSeconds: 300,
  });
  return createRefreshTokenService({
    store: createMemoryRefreshTokenStore(),
    denylist,
    graceMs: 0,
    signAccessToken: ({ sub, scope, clientId, familyId }) =>
      signer.sign({ sub, scope, clientId, claims: { sid: familyId } }),
  });
}

describe(`sessions end completely: ${REFRESHES} refreshes, then logout or reuse (real Express verifier apps, real time)`, () => {
  let issuer: TestIssuer;
  beforeAll(async () => {
    issuer = await startTestIssuer(Date.now);
  });
  afterAll(() => issuer.close());

  describe('memory denylist', () => {
    let denylist: Denylist;
    let services: ReturnType<typeof createServices>;
    let sessions: RefreshTokenService;
    beforeEach(() => {
      denylist = createMemoryDenylist({ issuer: issuer.issuer, sweepIntervalMs: 0 });
      services = createServices(issuer, [denylist, denylist]);
      sessions = createSessions(issuer, denylist);
    });
    afterEach(() => denylist.close());

    it('logout: 0 of the 101 access tokens accepted by any service; another session of the user stays', async () => {
      const other = await sessions.start({ sub: 'alice', scope: 'orders:read profile:read', clientId: 'cli' });
      const { last, tokens } = await longSession(sessions, 'alice');
      expect(await acceptedBy(services, tokens)).toBe(tokens.length);
      expect(await sessions.logout(last.refreshToken)).toBe(true);
      expect(await acceptedBy(services, tokens)).toBe(0);
      expect(await acceptedBy(services, [other.accessToken])).toBe(1);
    });

    it('reuse: 0 of the 101 access tokens accepted by any service', async () => {
      const { first, tokens } = await longSession(sessions, 'bob');
      await expect(sessions.rotate(first.refreshToken)).rejects.toBeInstanceOf(RefreshTokenError);
      expect(await acceptedBy(services, tokens)).toBe(0);
    });
  });

  describe('Redis mirror denylists (one per service, one for the auth service)', () => {
    let redis: TestRedis;
    const clients: Redis[] = [];
    const denylists: RedisDenylist[] = [];
    let prefixSeed: string;

    beforeAll(async () => {
      redis = await startRedis({ forceSpawn: true });
    }, 60_000);
    afterEach(async () => {
      await Promise.all(denylists.splice(0).map((d) => d.close()));
      clients.splice(0).forEach((c) => c.disconnect());
    });
    afterAll(() => redis?.stop());

    const setup = async () => {
      prefixSeed = `session-end-${process.pid}-${Date.now()}:`;
      const make = async () => {
        const client = new Redis(redis.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
        clients.push(client);
        const denylist = createRedisDenylist(client, { issuer: issuer.issuer, keyPrefix: prefixSeed });
        denylists.push(denylist);
        await denylist.ready();
        return denylist;
      };
      const auth = await make();
      const services = createServices(issuer, [await make(), await make()]);
      return { make, services, sessions: createSessions(issuer, auth) };
    };

    it('logout: 0 of the 101 access tokens accepted by any service', async () => {
      const { services, sessions } = await setup();
      const { last, tokens } = await longSession(sessions, 'carol');
      expect(await sessions.logout(last.refreshToken)).toBe(true);
      await untilRevocationArrives(services, tokens);
      expect(await acceptedBy(services, tokens)).toBe(0);
    });

    it('reuse: 0 of the 101 access tokens accepted by any service', async () => {
      const { services, sessions } = await setup();
      const { first, tokens } = await longSession(sessions, 'dave');
      await expect(sessions.rotate(first.refreshToken)).rejects.toBeInstanceOf(RefreshTokenError);
      await untilRevocationArrives(services, tokens);
      expect(await acceptedBy(services, tokens)).toBe(0);
    });

    it('across a Redis restart (no persistence): still 0 accepted, and a mirror started afterwards agrees', async () => {
      const { make, services, sessions } = await setup();
      const { last, tokens } = await longSession(sessions, 'erin');
      expect(await sessions.logout(last.refreshToken)).toBe(true);
      await untilRevocationArrives(services, tokens);
      await redis.restart();
      // The mirrors reconnect, resync and write back what the restarted Redis lost.
      const deadline = Date.now() + 20_000;
      let late: Denylist | undefined;
      while (Date.now() < deadline) {
        const synced = denylists.every((d) => d.stats().unsureSinceMs === undefined);
        if (synced) {
          late = await make();
          break;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(late).toBeDefined();
      expect(await acceptedBy(services, tokens)).toBe(0);
      expect(await acceptedBy(createServices(issuer, [late!, late!]), tokens)).toBe(0);
    }, 60_000);
  });
});
