import { DenylistError, type Denylist } from '../src/index.js';
import { BUILT_IN_NAMES, createClock, whilePrototypePolluted, type TestClock } from '@jwks-kit/test-kit';

/** What the contract suite hands a store factory. */
export interface ContractStoreOptions {
  readonly issuer: string;
  readonly now: () => number;
  readonly leewaySeconds: number;
  readonly maxTokenLifetimeSeconds: number;
}

/** Builds a fresh, ready store for one test (its own key prefix when it uses Redis). */
export type CreateContractStore = (options: ContractStoreOptions) => Promise<Denylist>;

const ISSUER = 'https://auth.example.test';
const LEEWAY = 30;
const LIFETIME = 900;

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DenylistError);
  expect((error as DenylistError).code).toBe(code);
}

/** The behaviour every store shares: run against memory, Redis lookup, Redis mirror and Redis Cluster. */
export function describeDenylistContract(name: string, createStore: CreateContractStore): void {
  describe(`Denylist contract: ${name}`, () => {
    let clock: TestClock;
    let denylist: Denylist;
    let nowS: number;

    beforeEach(async () => {
      clock = createClock(Math.floor(Date.now() / 1000) * 1000 + 500);
      nowS = clock.nowSeconds();
      denylist = await createStore({
        issuer: ISSUER,
        now: clock.now,
        leewaySeconds: LEEWAY,
        maxTokenLifetimeSeconds: LIFETIME,
      });
    });
    afterEach(async () => {
      await denylist.close();
    });

    const token = (extra: Record<string, unknown> = {}) => ({
      jti: 'jti-1',
      sub: 'user-1',
      iat: nowS - 10,
      exp: nowS + 300,
      iss: ISSUER,
      ...extra,
    });

    it('rejects a revoked jti and no other', async () => {
      await denylist.revoke('jti-1', nowS + 300);
      expect(await denylist.check(token())).toBe(true);
      expect(await denylist.check(token({ jti: 'jti-2' }))).toBe(false);
    });

    it('keeps a jti revocation until exp plus leeway, and no longer', async () => {
      await denylist.revoke('jti-1', nowS + 300);
      clock.advance((300 + LEEWAY - 1) * 1000);
      expect(await denylist.check(token())).toBe(true);
      clock.advance(1000);
      expect(await denylist.check(token())).toBe(false);
    });

    it('a later revoke of the same jti with a later exp extends it; an earlier one does not shorten it', async () => {
      await denylist.revoke('jti-1', nowS + 100);
      await denylist.revoke('jti-1', nowS + 300);
      await denylist.revoke('jti-1', nowS + 50);
      clock.advance((200 + LEEWAY) * 1000);
      expect(await denylist.check(token())).toBe(true);
    });

    it('treats a revoke whose exp (plus leeway) is already past as a no-op', async () => {
      await expect(denylist.revoke('jti-1', nowS - LEEWAY - 1)).resolves.toBeUndefined();
      expect(await denylist.check(token())).toBe(false);
    });

    it('revokeSubject rejects tokens issued before `at` and accepts those issued at or after it', async () => {
      const at = nowS - 5;
      await denylist.revokeSubject('user-1', at);
      expect(await denylist.check(token({ iat: at - 1, jti: 'a' }))).toBe(true);
      expect(await denylist.check(token({ iat: at - 0.5, jti: 'b' }))).toBe(true);
      expect(await denylist.check(token({ iat: at, jti: 'c' }))).toBe(false);
      expect(await denylist.check(token({ iat: at + 1, jti: 'd' }))).toBe(false);
      expect(await denylist.check(token({ sub: 'user-2', iat: at - 1 }))).toBe(false);
    });

    it('revokeSubject defaults `at` to now, so every token issued until this second is rejected', async () => {
      await denylist.revokeSubject('user-1');
      expect(await denylist.check(token({ iat: nowS }))).toBe(true);
      expect(await denylist.check(token({ iat: nowS + 1 }))).toBe(false);
    });

    it('keeps the later of two subject revocations', async () => {
      await denylist.revokeSubject('user-1', nowS - 5);
      await denylist.revokeSubject('user-1', nowS - 50);
      expect(await denylist.check(token({ iat: nowS - 10 }))).toBe(true);
    });

    it('keeps a subject revocation for the longest token lifetime plus leeway after `at`', async () => {
      await denylist.revokeSubject('user-1', nowS);
      clock.advance((LIFETIME + LEEWAY - 1) * 1000);
      expect(await denylist.check(token({ iat: nowS - 1 }))).toBe(true);
      clock.advance(1000);
      expect(await denylist.check(token({ iat: nowS - 1 }))).toBe(false);
    });

    it('treats a subject revocation older than the longest lifetime as a no-op', async () => {
      await expect(denylist.revokeSubject('user-1', nowS - LIFETIME - LEEWAY - 1)).resolves.toBeUndefined();
      expect(await denylist.check(token({ iat: nowS - LIFETIME - LEEWAY - 5 }))).toBe(false);
    });

    it('keeps issuers apart: a revocation under one issuer does not touch tokens of another', async () => {
      await denylist.revoke('jti-1', nowS + 300, 'https://other.example.test');
      await denylist.revokeSubject('user-1', nowS, 'https://other.example.test');
      expect(await denylist.check(token())).toBe(false);
      expect(await denylist.check(token({ iss: 'https://other.example.test' }))).toBe(true);
    });

    it('uses the configured issuer when revoke gets none and the claims carry no iss', async () => {
      await denylist.revoke('jti-1', nowS + 300);
      expect(await denylist.check(token({ iss: undefined }))).toBe(true);
      expect(await denylist.check(token({ iss: ISSUER }))).toBe(true);
    });

    it('checks the subject of a token that has no jti', async () => {
      await denylist.revokeSubject('user-1', nowS);
      expect(await denylist.check({ sub: 'user-1', iat: nowS - 1, iss: ISSUER })).toBe(true);
      expect(await denylist.check({ sub: 'user-9', iat: nowS - 1, iss: ISSUER })).toBe(false);
    });

    it('fails closed on malformed claims: a non-string jti or sub, or a missing iat under a subject revocation', async () => {
      expect(await denylist.check(token({ jti: { $ne: '' } }))).toBe(true);
      expect(await denylist.check(token({ jti: ['jti-1'] }))).toBe(true);
      expect(await denylist.check(token({ jti: 'x'.repeat(257) }))).toBe(true);
      expect(await denylist.check(token({ sub: 42 }))).toBe(true);
      expect(await denylist.check(token({ sub: '' }))).toBe(true);
      await denylist.revokeSubject('user-1', nowS);
      expect(await denylist.check(token({ iat: undefined }))).toBe(true);
      expect(await denylist.check(token({ iat: '0' }))).toBe(true);
    });

    it('reads only the claims a token carries: an iat or iss inherited from a polluted Object.prototype is no claim', async () => {
      await denylist.revokeSubject('user-1', nowS);
      await denylist.revokeSession('sid-1', nowS);
      const without = (name: string) =>
        Object.fromEntries(Object.entries(token({ sid: 'sid-1' })).filter(([k]) => k !== name));
      const isToken = (object: object) => Object.hasOwn(object, 'sub') && Object.hasOwn(object, 'exp');
      // a later iat would date the token after both revocations; the token has none, so it stays revoked
      const iat = await whilePrototypePolluted(
        'iat',
        () => nowS + 60,
        () => denylist.check(without('iat')),
        isToken,
      );
      expect(iat.outcome).toBe(true);
      // another issuer's namespace would hold no revocation; the token has no iss, so the configured issuer counts
      const iss = await whilePrototypePolluted(
        'iss',
        () => 'https://other.example.test',
        () => denylist.check(without('iss')),
        isToken,
      );
      expect(iss.outcome).toBe(true);
      const reads = iat.reads + iss.reads;
      expect(reads).toBe(0);
    });

    it('accepts a jti and a sub of exactly 256 characters', async () => {
      const long = 'j'.repeat(256);
      await denylist.revoke(long, nowS + 300);
      await denylist.revokeSubject('s'.repeat(256), nowS);
      expect(await denylist.check(token({ jti: long }))).toBe(true);
      expect(await denylist.check(token({ jti: 'other', sub: 's'.repeat(256) }))).toBe(true);
    });

    it('rejects a jti that is not a string of 1 to 256 characters', async () => {
      for (const bad of [{}, ['a'], 42, '', 'x'.repeat(257), null]) {
        await expectCode(denylist.revoke(bad as string, nowS + 300), 'ERR_INVALID_JTI');
      }
    });

    it('rejects a sub that is not a string of 1 to 256 characters', async () => {
      for (const bad of [{}, ['a'], 42, '', 'x'.repeat(257), null]) {
        await expectCode(denylist.revokeSubject(bad as string, nowS), 'ERR_INVALID_SUB');
      }
    });

    it('rejects a non-finite, non-numeric or absurdly distant exp', async () => {
      for (const bad of [Number.NaN, Infinity, -Infinity, '2000000000', nowS + LIFETIME + LEEWAY + 10, 1e15]) {
        await expectCode(denylist.revoke('jti-1', bad as number), 'ERR_INVALID_EXP');
      }
      expect(await denylist.check(token())).toBe(false);
    });

    it('rejects a non-finite or absurdly distant `at`', async () => {
      for (const bad of [Number.NaN, Infinity, '1', nowS + LIFETIME + 10]) {
        await expectCode(denylist.revokeSubject('user-1', bad as number), 'ERR_INVALID_AT');
      }
    });

    it('revokeSession rejects tokens of that sid issued before `before`, and no other session or sid-less token', async () => {
      const before = nowS - 5;
      await denylist.revokeSession('sid-1', before);
      expect(await denylist.check(token({ sid: 'sid-1', iat: before - 1, jti: 'a' }))).toBe(true);
      expect(await denylist.check(token({ sid: 'sid-1', iat: before, jti: 'b' }))).toBe(false);
      expect(await denylist.check(token({ sid: 'sid-2', iat: before - 1, jti: 'c' }))).toBe(false);
      expect(await denylist.check(token({ iat: before - 1, jti: 'd' }))).toBe(false);
      expect(await denylist.check({ sid: 'sid-1', iat: before - 1, iss: ISSUER })).toBe(true);
    });

    it('revokeSession defaults `before` to now, and keeps the rule for the longest lifetime plus leeway', async () => {
      await denylist.revokeSession('sid-1');
      expect(await denylist.check(token({ sid: 'sid-1', iat: nowS }))).toBe(true);
      expect(await denylist.check(token({ sid: 'sid-1', iat: nowS + 1 }))).toBe(false);
      clock.advance((LIFETIME + LEEWAY) * 1000);
      expect(await denylist.check(token({ sid: 'sid-1', iat: nowS }))).toBe(true);
      clock.advance(1000);
      expect(await denylist.check(token({ sid: 'sid-1', iat: nowS }))).toBe(false);
    });

    it('a session revocation does not touch the subject, and a subject revocation still covers every session', async () => {
      await denylist.revokeSession('user-1', nowS);
      expect(await denylist.check(token({ sid: 'other', iat: nowS - 1 }))).toBe(false);
      await denylist.revokeSubject('user-1', nowS);
      expect(await denylist.check(token({ sid: 'other', iat: nowS - 1 }))).toBe(true);
    });

    it('fails closed on a sid that is not a string of 1 to 256 characters, and refuses one in revokeSession', async () => {
      for (const bad of [{}, ['a'], 42, '', 'x'.repeat(257), null]) {
        expect(await denylist.check(token({ sid: bad }))).toBe(true);
        await expectCode(denylist.revokeSession(bad as string, nowS), 'ERR_INVALID_SID');
      }
      await expectCode(denylist.revokeSession('sid-1', Number.NaN), 'ERR_INVALID_AT');
      await expectCode(denylist.revokeSession('sid-1', nowS, ''), 'ERR_INVALID_ISSUER');
    });

    it.each(BUILT_IN_NAMES)('treats the built-in name %s as a plain id for jti, sub and sid', async (name) => {
      expect(await denylist.check(token({ jti: name, sub: name, sid: name }))).toBe(false);
      await denylist.revoke(name, nowS + 300);
      expect(await denylist.check(token({ jti: name }))).toBe(true);
      expect(await denylist.check(token({ jti: 'other', sub: name, sid: name }))).toBe(false);
      await denylist.revokeSession(name, nowS);
      expect(await denylist.check(token({ jti: 'other', sid: name, iat: nowS - 1 }))).toBe(true);
      expect(await denylist.check(token({ jti: 'other', sub: name, iat: nowS - 1 }))).toBe(false);
      await denylist.revokeSubject(name, nowS);
      expect(await denylist.check(token({ jti: 'other', sub: name, iat: nowS - 1 }))).toBe(true);
      expect(await denylist.check(token({ jti: 'other', sub: 'user-1', sid: 'x', iat: nowS - 1 }))).toBe(false);
    });

    it('rejects an issuer that is not a non-empty string', async () => {
      for (const bad of ['', 42, {}, 'i'.repeat(1025)]) {
        await expectCode(denylist.revoke('jti-1', nowS + 300, bad as string), 'ERR_INVALID_ISSUER');
        await expectCode(denylist.revokeSubject('user-1', nowS, bad as string), 'ERR_INVALID_ISSUER');
      }
    });
  });
}
