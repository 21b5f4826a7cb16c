import { randomBytes } from 'node:crypto';
import { BUILT_IN_NAMES, createClock } from '@jwks-kit/test-kit';
import {
  createRefreshTokenService,
  RefreshTokenError,
  type RefreshTokenEvent,
  type RefreshTokenServiceOptions,
  type RefreshTokenStore,
} from '../../src/sessions.js';
import { createTestDenylist, createTestSigner } from './refresh-fixtures.js';

/** Hashes a token the way stores index it (to look a family up from a test). */
export { hashRefreshToken } from '../../src/sessions/lib/refresh-token-crypto.js';
import { hashRefreshToken } from '../../src/sessions/lib/refresh-token-crypto.js';

/** Every lifecycle event type of the service. */
export const EVENT_TYPES = ['started', 'rotated', 'replayed', 'reused', 'expired', 'ended', 'binding_refused'] as const;

export async function setup(store: RefreshTokenStore, overrides: Partial<RefreshTokenServiceOptions> = {}) {
  const clock = createClock();
  const denylist = createTestDenylist(clock);
  const signer = await createTestSigner(clock);
  const events: RefreshTokenEvent[] = [];
  const service = createRefreshTokenService({
    store,
    signAccessToken: signer.sign,
    denylist,
    now: clock.now,
    ...overrides,
  });
  for (const type of EVENT_TYPES) service.on(type, (event) => events.push(event));
  const isRevoked = async (accessToken: string) => denylist.isRevoked(await signer.claimsOf(accessToken));
  return { clock, denylist, signer, service, events, isRevoked, store };
}

export async function rejection(promise: Promise<unknown>): Promise<RefreshTokenError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RefreshTokenError);
  return error as RefreshTokenError;
}

/** Behaviour every RefreshTokenStore must give the service; call inside a describe(). */
export function refreshTokenServiceContract(getStore: () => RefreshTokenStore): void {
  it('starts a family: a 256-bit opaque refresh token and a verifiable access token for the subject', async () => {
    const { service, signer, clock } = await setup(getStore());
    const grant = await service.start({ sub: 'user-1', scope: 'orders:read', clientId: 'web' });
    expect(grant.refreshToken).toMatch(/^[A-Za-z0-9_-]{64}$/);
    const claims = await signer.verify(grant.accessToken);
    expect(claims).toMatchObject({
      sub: 'user-1',
      scope: 'orders:read',
      client_id: 'web',
      sid: grant.familyId,
      exp: grant.accessTokenExp,
    });
    expect(grant.refreshTokenExpiresAtMs).toBe(clock.now() + 14 * 86_400_000);
  });

  it('follows a rotation chain of 1,000 steps, every token used once, all distinct', async () => {
    const { service, clock } = await setup(getStore());
    let grant = await service.start({ sub: 'chain' });
    const seen = new Set([grant.refreshToken]);
    for (let step = 0; step < 1000; step += 1) {
      clock.advance(60_000);
      const next = await service.rotate(grant.refreshToken);
      expect(next.familyId).toBe(grant.familyId);
      expect(seen.has(next.refreshToken)).toBe(false);
      seen.add(next.refreshToken);
      grant = next;
    }
    expect(seen.size).toBe(1001);
    expect((await service.rotate(grant.refreshToken)).familyId).toBe(grant.familyId);
  });

  it('on replay of an old token revokes the family, its newest token, every other session and every access token of the user', async () => {
    const { service, clock, isRevoked, events } = await setup(getStore());
    const first = await service.start({ sub: 'victim' });
    const otherDevice = await service.start({ sub: 'victim' });
    const bystander = await service.start({ sub: 'someone-else' });
    const chain = [first];
    for (let i = 0; i < 5; i += 1) {
      clock.advance(60_000);
      chain.push(await service.rotate(chain[chain.length - 1]!.refreshToken));
    }
    const newest = chain[chain.length - 1]!;
    const error = await rejection(service.rotate(chain[2]!.refreshToken));
    expect(error.code).toBe('ERR_REFRESH_TOKEN_REUSED');
    expect(error.familyId).toBe(first.familyId);
    expect((await rejection(service.rotate(newest.refreshToken))).code).toBe('ERR_REFRESH_TOKEN_INVALID');
    for (const grant of [...chain, otherDevice]) expect(await isRevoked(grant.accessToken)).toBe(true);
    expect((await rejection(service.rotate(otherDevice.refreshToken))).code).toBe('ERR_REFRESH_TOKEN_INVALID');
    expect(await isRevoked(bystander.accessToken)).toBe(false);
    expect((await service.rotate(bystander.refreshToken)).familyId).toBe(bystander.familyId);
    expect(events).toContainEqual({ type: 'reused', familyId: first.familyId });
  });

  it('gives 50 concurrent refreshes of one token inside the grace window the same successor, one live branch', async () => {
    const { service, clock, store } = await setup(getStore());
    const start = await service.start({ sub: 'racer' });
    const results = await Promise.all(Array.from({ length: 50 }, () => service.rotate(start.refreshToken)));
    const successors = new Set(results.map((r) => r.refreshToken));
    expect(successors.size).toBe(1);
    const [successor] = [...successors] as [string];
    expect(successor).not.toBe(start.refreshToken);
    expect(new Set(results.map((r) => r.accessToken)).size).toBe(50);
    expect((await store.find(start.familyId, hashRefreshToken(successor)))?.state).toBe('head');
    expect((await store.find(start.familyId, hashRefreshToken(start.refreshToken)))?.state).toBe('rotated');
    clock.advance(9_999);
    expect((await service.rotate(start.refreshToken)).refreshToken).toBe(successor);
    const third = await service.rotate(successor);
    expect((await rejection(service.rotate(start.refreshToken))).code).toBe('ERR_REFRESH_TOKEN_REUSED');
    expect((await rejection(service.rotate(third.refreshToken))).code).toBe('ERR_REFRESH_TOKEN_INVALID');
  });

  it('detects reuse once the grace window has passed', async () => {
    const { service, clock } = await setup(getStore());
    const start = await service.start({ sub: 'late' });
    const next = await service.rotate(start.refreshToken);
    clock.advance(10_000);
    expect((await rejection(service.rotate(start.refreshToken))).code).toBe('ERR_REFRESH_TOKEN_REUSED');
    expect((await rejection(service.rotate(next.refreshToken))).code).toBe('ERR_REFRESH_TOKEN_INVALID');
  });

  it('with graceMs 0 treats any second presentation as reuse', async () => {
    const { service } = await setup(getStore(), { graceMs: 0 });
    const start = await service.start({ sub: 'strict' });
    await service.rotate(start.refreshToken);
    expect((await rejection(service.rotate(start.refreshToken))).code).toBe('ERR_REFRESH_TOKEN_REUSED');
  });

  it('ends a family after the idle timeout', async () => {
    const { service, clock } = await setup(getStore(), { idleTimeoutMs: 3_600_000, absoluteLifetimeMs: 86_400_000 });
    const start = await service.start({ sub: 'idle' });
    clock.advance(3_599_999);
    const next = await service.rotate(start.refreshToken);
    expect(next.refreshTokenExpiresAtMs).toBe(clock.now() + 3_600_000);
    clock.advance(3_600_000);
    expect((await rejection(service.rotate(next.refreshToken))).code).toBe('ERR_REFRESH_TOKEN_EXPIRED');
    expect((await rejection(service.rotate(next.refreshToken))).code).toBe('ERR_REFRESH_TOKEN_INVALID');
  });

  it('ends a family at its absolute lifetime however often it is used', async () => {
    const { service, clock } = await setup(getStore(), { idleTimeoutMs: 3_600_000, absoluteLifetimeMs: 7_200_000 });
    let grant = await service.start({ sub: 'busy' });
    const end = clock.now() + 7_200_000;
    clock.advance(3_000_000);
    grant = await service.rotate(grant.refreshToken);
    clock.advance(3_000_000);
    grant = await service.rotate(grant.refreshToken);
    expect(grant.refreshTokenExpiresAtMs).toBe(end);
    clock.set(end);
    expect((await rejection(service.rotate(grant.refreshToken))).code).toBe('ERR_REFRESH_TOKEN_EXPIRED');
  });

  it('revokeFamily after the family ended at its absolute lifetime still revokes the access tokens it issued', async () => {
    const { service, clock, isRevoked } = await setup(getStore(), {
      idleTimeoutMs: 100_000,
      absoluteLifetimeMs: 120_000,
    });
    const first = await service.start({ sub: 'deadline-logout' });
    const other = await service.start({ sub: 'deadline-logout' });
    clock.advance(60_000);
    const last = await service.rotate(first.refreshToken);
    clock.advance(60_000);
    expect((await rejection(service.rotate(last.refreshToken))).code).toBe('ERR_REFRESH_TOKEN_EXPIRED');
    // logout at the deadline: the family is gone, its last access token is not
    expect(await isRevoked(last.accessToken)).toBe(false);
    expect(await service.revokeFamily(first.familyId)).toBe(false);
    expect(await isRevoked(first.accessToken)).toBe(true);
    expect(await isRevoked(last.accessToken)).toBe(true);
    expect(await isRevoked(other.accessToken)).toBe(false);
  });

  it('rejects missing, malformed and unknown tokens with distinct codes', async () => {
    const { service } = await setup(getStore());
    const real = await service.start({ sub: 'probe' });
    expect((await rejection(service.rotate(''))).code).toBe('ERR_REFRESH_TOKEN_MISSING');
    for (const bad of [
      'abc',
      real.refreshToken + 'A',
      real.refreshToken.slice(0, 63) + '=',
      `${real.refreshToken.slice(0, 63)}.`,
      'eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIn0.',
    ]) {
      expect((await rejection(service.rotate(bad))).code).toBe('ERR_REFRESH_TOKEN_MALFORMED');
    }
    const unknown = randomBytes(48).toString('base64url');
    expect((await rejection(service.rotate(unknown))).code).toBe('ERR_REFRESH_TOKEN_INVALID');
    const forged = real.familyId + randomBytes(32).toString('base64url').slice(0, 42);
    expect(forged).toHaveLength(64);
    expect((await rejection(service.rotate(forged))).code).toBe('ERR_REFRESH_TOKEN_INVALID');
    expect((await service.rotate(real.refreshToken)).familyId).toBe(real.familyId);
  });

  it('logout ends the family and denylists its latest access tokens, leaving other sessions alone', async () => {
    const { service, clock, isRevoked } = await setup(getStore());
    const phone = await service.start({ sub: 'leaver' });
    const laptop = await service.start({ sub: 'leaver' });
    clock.advance(60_000);
    const current = await service.rotate(phone.refreshToken);
    expect(await service.logout(current.refreshToken)).toBe(true);
    expect(await isRevoked(current.accessToken)).toBe(true);
    expect((await rejection(service.rotate(current.refreshToken))).code).toBe('ERR_REFRESH_TOKEN_INVALID');
    expect(await isRevoked(laptop.accessToken)).toBe(false);
    expect((await service.rotate(laptop.refreshToken)).familyId).toBe(laptop.familyId);
    expect(await service.logout(current.refreshToken)).toBe(false);
    expect(await service.logout('not-a-token')).toBe(false);
  });

  it('revokeAllForSubject ends every family of the user and revokes all its access tokens', async () => {
    const { service, isRevoked } = await setup(getStore());
    const a = await service.start({ sub: 'everywhere' });
    const b = await service.start({ sub: 'everywhere' });
    const other = await service.start({ sub: 'stays' });
    expect(await service.revokeAllForSubject('everywhere')).toBe(2);
    for (const grant of [a, b]) {
      expect(await isRevoked(grant.accessToken)).toBe(true);
      expect((await rejection(service.rotate(grant.refreshToken))).code).toBe('ERR_REFRESH_TOKEN_INVALID');
    }
    expect(await isRevoked(other.accessToken)).toBe(false);
    expect(await service.revokeAllForSubject('everywhere')).toBe(0);
  });

  it.each(BUILT_IN_NAMES)('treats the built-in name %s as a plain sub and family id', async (name) => {
    const { service, isRevoked, clock } = await setup(getStore());
    expect(await service.revokeAllForSubject(name)).toBe(0);
    expect(await service.revokeFamily(name)).toBe(false);
    const grant = await service.start({ sub: name });
    const other = await service.start({ sub: 'bystander' });
    const next = await service.rotate(grant.refreshToken);
    expect(await service.describe(next.refreshToken)).toMatchObject({
      sub: name,
      createdAtMs: clock.now(),
      expiresAtMs: next.refreshTokenExpiresAtMs,
    });
    expect(await service.revokeAllForSubject(name)).toBe(1);
    expect(await isRevoked(next.accessToken)).toBe(true);
    expect(await isRevoked(other.accessToken)).toBe(false);
    expect(await service.revokeAllForSubject(name)).toBe(0);
  });

  it('revokeFamily ends one family and denylists its access token', async () => {
    const { service, isRevoked } = await setup(getStore());
    const grant = await service.start({ sub: 'admin-action' });
    expect(await service.revokeFamily(grant.familyId)).toBe(true);
    expect(await isRevoked(grant.accessToken)).toBe(true);
    expect(await service.revokeFamily(grant.familyId)).toBe(false);
  });

  it('logout after 100 refreshes revokes all 101 access tokens of the session, and no other session', async () => {
    const { service, clock, isRevoked } = await setup(getStore());
    const other = await service.start({ sub: 'long-session' });
    let grant = await service.start({ sub: 'long-session' });
    const issued = [grant.accessToken];
    for (let i = 0; i < 100; i++) {
      clock.advance(1000);
      grant = await service.rotate(grant.refreshToken);
      issued.push(grant.accessToken);
    }
    expect(new Set(issued).size).toBe(101);
    for (const token of issued) expect(await isRevoked(token)).toBe(false);
    expect(await service.logout(grant.refreshToken)).toBe(true);
    const accepted = [];
    for (const token of issued) if (!(await isRevoked(token))) accepted.push(token);
    expect(accepted).toHaveLength(0);
    expect(await isRevoked(other.accessToken)).toBe(false);
  });

  it('reuse after 100 refreshes revokes all 101 access tokens of the session', async () => {
    const { service, clock, isRevoked } = await setup(getStore());
    const first = await service.start({ sub: 'stolen' });
    let grant = first;
    const issued = [grant.accessToken];
    for (let i = 0; i < 100; i++) {
      clock.advance(1000);
      grant = await service.rotate(grant.refreshToken);
      issued.push(grant.accessToken);
    }
    clock.advance(60_000);
    expect((await rejection(service.rotate(first.refreshToken))).code).toBe('ERR_REFRESH_TOKEN_REUSED');
    const accepted = [];
    for (const token of issued) if (!(await isRevoked(token))) accepted.push(token);
    expect(accepted).toHaveLength(0);
  });

  it('reports lifecycle events with the family id only', async () => {
    const { service, events } = await setup(getStore());
    const grant = await service.start({ sub: 'logged' });
    const next = await service.rotate(grant.refreshToken);
    await service.logout(next.refreshToken);
    expect(events.map((e) => e.type)).toEqual(['started', 'rotated', 'ended']);
    const logged = JSON.stringify(events);
    for (const secret of [grant.refreshToken, next.refreshToken, grant.accessToken, next.accessToken])
      expect(logged).not.toContain(secret);
  });

  describe('DPoP-bound families (RFC 9449 §5)', () => {
    const KEY_A = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs';
    const KEY_B = '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I';

    it('binds a family started with a proof: every access token carries cnf.jkt, token_type DPoP, rotations with the same key', async () => {
      const { service, signer, clock } = await setup(getStore());
      let grant = await service.start({ sub: 'dpop-user', clientId: 'cli', jkt: KEY_A });
      expect(grant).toMatchObject({ tokenType: 'DPoP', jkt: KEY_A });
      expect((await signer.verify(grant.accessToken)).cnf).toEqual({ jkt: KEY_A });
      for (let step = 0; step < 5; step += 1) {
        clock.advance(60_000);
        grant = await service.rotate(grant.refreshToken, { jkt: KEY_A });
        expect(grant).toMatchObject({ tokenType: 'DPoP', jkt: KEY_A });
        expect((await signer.verify(grant.accessToken)).cnf).toEqual({ jkt: KEY_A });
      }
      expect((await service.describe(grant.refreshToken))?.jkt).toBe(KEY_A);
      const bearer = await service.start({ sub: 'bearer-user' });
      expect(bearer.tokenType).toBe('Bearer');
      expect(bearer.jkt).toBeUndefined();
      expect((await signer.verify(bearer.accessToken)).cnf).toBeUndefined();
      expect((await service.describe(bearer.refreshToken))?.jkt).toBeUndefined();
    });

    it('refuses a refresh of a bound family without a proof or with another key, and changes nothing: the key holder rotates on', async () => {
      const { service, isRevoked, events } = await setup(getStore());
      const grant = await service.start({ sub: 'bound', jkt: KEY_A });
      expect((await rejection(service.rotate(grant.refreshToken))).code).toBe('ERR_REFRESH_TOKEN_DPOP_REQUIRED');
      expect((await rejection(service.rotate(grant.refreshToken, {}))).code).toBe('ERR_REFRESH_TOKEN_DPOP_REQUIRED');
      const mismatch = await rejection(service.rotate(grant.refreshToken, { jkt: KEY_B }));
      expect(mismatch.code).toBe('ERR_REFRESH_TOKEN_DPOP_KEY_MISMATCH');
      expect(mismatch.familyId).toBe(grant.familyId);
      // not ended, not forked, no theft alarm: the same head still rotates once, for the right key
      expect(await isRevoked(grant.accessToken)).toBe(false);
      const next = await service.rotate(grant.refreshToken, { jkt: KEY_A });
      expect(next.familyId).toBe(grant.familyId);
      expect(events.map((e) => e.type)).toEqual([
        'started',
        'binding_refused',
        'binding_refused',
        'binding_refused',
        'rotated',
      ]);
    });

    it('a rotated token of a bound family presented without its key is refused, not a reuse alarm; with its key it is reuse', async () => {
      const { service, clock, isRevoked } = await setup(getStore());
      const first = await service.start({ sub: 'stolen-old', jkt: KEY_A });
      const second = await service.rotate(first.refreshToken, { jkt: KEY_A });
      clock.advance(60_000); // past the grace window
      expect((await rejection(service.rotate(first.refreshToken))).code).toBe('ERR_REFRESH_TOKEN_DPOP_REQUIRED');
      expect((await rejection(service.rotate(first.refreshToken, { jkt: KEY_B }))).code).toBe(
        'ERR_REFRESH_TOKEN_DPOP_KEY_MISMATCH',
      );
      expect(await isRevoked(second.accessToken)).toBe(false);
      const third = await service.rotate(second.refreshToken, { jkt: KEY_A });
      clock.advance(60_000);
      expect((await rejection(service.rotate(first.refreshToken, { jkt: KEY_A }))).code).toBe(
        'ERR_REFRESH_TOKEN_REUSED',
      );
      expect(await isRevoked(third.accessToken)).toBe(true);
    });

    it('an unbound family never becomes bound: a refresh with a proof is refused, and it rotates on as Bearer', async () => {
      const { service, signer } = await setup(getStore());
      const grant = await service.start({ sub: 'plain' });
      const refused = await rejection(service.rotate(grant.refreshToken, { jkt: KEY_A }));
      expect(refused.code).toBe('ERR_REFRESH_TOKEN_NOT_DPOP_BOUND');
      const next = await service.rotate(grant.refreshToken);
      expect(next.tokenType).toBe('Bearer');
      expect((await signer.verify(next.accessToken)).cnf).toBeUndefined();
      expect((await rejection(service.rotate(next.refreshToken, { jkt: KEY_A }))).code).toBe(
        'ERR_REFRESH_TOKEN_NOT_DPOP_BOUND',
      );
      expect((await service.describe(next.refreshToken))?.jkt).toBeUndefined();
    });

    it('refuses a jkt that is not a base64url SHA-256 thumbprint with a TypeError', async () => {
      const { service } = await setup(getStore());
      const grant = await service.start({ sub: 'typed', jkt: KEY_A });
      for (const jkt of ['', 'short', `${KEY_A}x`, `${KEY_A.slice(0, 42)}=`, 42, {}]) {
        await expect(service.start({ sub: 'typed', jkt: jkt as string })).rejects.toThrow(TypeError);
        await expect(service.rotate(grant.refreshToken, { jkt: jkt as string })).rejects.toThrow(TypeError);
      }
      expect((await service.rotate(grant.refreshToken, { jkt: KEY_A })).jkt).toBe(KEY_A);
    });
  });
}
