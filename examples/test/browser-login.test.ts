import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { sessionCookieNames } from '@jwks-kit/issuer/sessions';
import { launchChromium, type TestBrowser } from './support/chromium.js';
import { startWebStack, type WebStack } from './support/web-stack.js';

// Real Chromium, real sockets, real time: tokens live a few seconds and the test waits them out.
const TTL_SECONDS = 4;
/** A service call that answered 200, at once or after the page recovered by one refresh (a late timer under load). */
const OK_ME = /^profile GET \/me( \(retry after refresh\))? → 200$/;
const { access: ACCESS, refresh: REFRESH } = sessionCookieNames(true);
/** Screenshots of the main states, for people reviewing a run (gitignored; the README's PNG comes from `pnpm --filter ./examples screenshots`). */
const SHOTS = fileURLToPath(new URL('../.artifacts/browser/', import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Harness = { stack: WebStack; browser: TestBrowser; page: Page };

async function open(options: Parameters<typeof startWebStack>[0]): Promise<Harness> {
  const stack = await startWebStack(options);
  const browser = await launchChromium();
  await mkdir(SHOTS, { recursive: true });
  return { stack, browser, page: browser.page };
}

function helpers(h: () => Harness) {
  const page = () => h().page;
  return {
    /** Waits until the one-line summary of the latest call reads `text`. */
    status: (text: string | RegExp) => page().locator('#status', { hasText: text }).waitFor(),
    cookie: async (name: string) => (await h().browser.context.cookies()).find((c) => c.name === name)?.value,
    shot: (name: string) => page().screenshot({ path: join(SHOTS, name), fullPage: true }),
    text: async (selector: string) => (await page().textContent(selector)) ?? '',
    async loginAs(user: string) {
      await page().fill('#username', user);
      await page().fill('#password', `${user}-pass`);
      await page().click('#login-button');
      await page().waitForSelector('body[data-session="active"]');
      expect(await page().textContent('#who')).toBe(user);
    },
    /** A resource service's answer to a request carrying `token` as a Bearer token (what a thief holding it would get). */
    async codeFor(url: string, token: string) {
      const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      return `${res.status} ${((await res.json()) as { code?: string }).code ?? ''}`.trim();
    },
  };
}

describe('the web page in a real browser (Chromium, headless, real time)', () => {
  let h: Harness;
  const { status, cookie, shot, text, loginAs, codeFor } = helpers(() => h);

  beforeAll(async () => {
    h = await open({ accessTokenTtlSeconds: TTL_SECONDS });
  }, 60_000);
  afterAll(async () => {
    await h?.browser.close();
    await h?.stack.close();
  });

  it('is styled by its own stylesheet without a single CSP violation', async () => {
    await h.page.goto(h.stack.authUrl);
    await h.page.waitForSelector('body[data-ready="true"]');
    expect(await h.page.getAttribute('body', 'data-session')).toBe('none');
    // The stylesheet applied: not the browser's default serif font and white page.
    expect(String(await h.page.evaluate('getComputedStyle(document.body).fontFamily'))).toContain('system-ui');
    expect(String(await h.page.evaluate('getComputedStyle(document.body).backgroundColor'))).not.toBe(
      'rgba(0, 0, 0, 0)',
    );
    // Keyboard: the first Tab lands on a labelled field of the login form.
    await h.page.keyboard.press('Tab');
    expect(await h.page.evaluate('document.activeElement.labels[0].textContent')).toBe('User');
    await shot('1-logged-out.png');
    expect(h.browser.cspViolations).toEqual([]);
  }, 60_000);

  it('logs in with the keyboard; the tokens stay in httpOnly cookies; the timeline counts down live', async () => {
    await h.page.focus('#password');
    await h.page.keyboard.press('Enter');
    await h.page.waitForSelector('body[data-session="active"]');
    expect(await text('#who')).toBe('alice');
    expect(await text('#scopes')).toBe('orders:readprofile:read');
    expect(await h.page.getAttribute('#kid', 'title')).toBe(h.stack.keyRing.signingKey().kid);

    await h.page.click('#get-orders');
    await status('orders GET /orders → 200');
    expect(await text('#output')).toContain('espresso beans');

    const cookies = await h.browser.context.cookies();
    expect(cookies.map((c) => c.name).sort()).toEqual([ACCESS, REFRESH]);
    expect(cookies.every((c) => c.httpOnly)).toBe(true);
    const visible = String(await h.page.evaluate('document.cookie'));
    for (const c of cookies) expect(visible).not.toContain(c.value);

    // Two readings 1.2 s apart of one token (an automatic refresh in between starts a new bar: read again). The bar
    // redraws every 500 ms on timers a busy browser may fire late, so only a clear decrease is asserted, not its size.
    const reading = async () => ({
      token: await cookie(ACCESS),
      remainingMs: Number(await h.page.getAttribute('#access-remaining', 'data-remaining-ms')),
    });
    let countedDown = false;
    for (let attempt = 0; attempt < 5 && !countedDown; attempt += 1) {
      const first = await reading();
      expect(await text('#access-remaining')).toMatch(/^expires in \d s$/);
      await sleep(1_200);
      const second = await reading();
      if (second.token === first.token) {
        expect(first.remainingMs - second.remainingMs).toBeGreaterThanOrEqual(200);
        countedDown = true;
      }
    }
    expect(countedDown).toBe(true);
    expect(await text('#family-remaining')).toMatch(/^ends in 9 min \d+ s$/);
    await shot('2-logged-in.png');
  }, 60_000);

  it('refreshes by itself before the access token expires: past its real expiry a call still answers 200', async () => {
    const before = await cookie(ACCESS);
    await sleep(TTL_SECONDS * 1000 + 1_500);
    expect(await cookie(ACCESS)).not.toBe(before);
    expect(await text('#refresh-count')).toMatch(/^Refreshed \d+ times?/);
    expect(await text('#log')).toContain('at 80 % of its life');
    // The bar restarted with the new token: issued less than a token's life ago.
    expect(await text('#access-issued')).toMatch(/^issued [0-4] s ago$/);
    await h.page.click('#get-me');
    await status(OK_ME);
    await shot('3-after-refresh.png');
  }, 60_000);

  it('with the automatic refresh off, recovers from missing_token (the cookie expired with its token) by one refresh and a retry', async () => {
    await h.page.click('#auto-refresh');
    expect(await h.page.isChecked('#auto-refresh')).toBe(false);
    await sleep(TTL_SECONDS * 1000 + 1_500);
    // The browser dropped the access cookie at the token's expiry; the refresh cookie is still there.
    expect(await cookie(ACCESS)).toBeUndefined();
    expect(await cookie(REFRESH)).toBeDefined();
    await h.page.click('#get-orders');
    await status('orders GET /orders (retry after refresh) → 200');
    const log = await text('#log');
    expect(log).toContain('missing_token');
    expect(log).toContain('after missing_token');
    await h.page.click('#auto-refresh');
  }, 60_000);

  it('a route without the scope answers 403; another user has other scopes', async () => {
    await h.page.click('#post-orders');
    await status('orders POST /orders → 403 insufficient_scope');
    await h.page.click('#tour-switch-user');
    await status('orders GET /orders → 403 insufficient_scope');
    expect(await text('#who')).toBe('bob');
    expect(await text('#scopes')).toBe('profile:read');
    await h.page.click('#tour-switch-user');
    await status('orders GET /orders → 200');
    expect(await text('#who')).toBe('alice');
  }, 60_000);

  it('rotating the keys brings a token signed by the new kid, which the services accept', async () => {
    const oldKid = h.stack.keyRing.signingKey().kid;
    expect(await h.page.getAttribute('#kid', 'title')).toBe(oldKid);
    await h.page.click('#tour-rotate');
    await h.page.locator('#tour-status', { hasText: 'New kid' }).waitFor({ timeout: 20_000 });
    const newKid = h.stack.keyRing.signingKey().kid;
    expect(newKid).not.toBe(oldKid);
    expect(await h.page.getAttribute('#kid', 'title')).toBe(newKid);
    expect(await h.page.isVisible('#kid-note')).toBe(true);
    expect(await text('#status')).toMatch(OK_ME);
  }, 60_000);

  it('an admin revoking this session logs the page out, and the services refuse its token', async () => {
    const token = (await cookie(ACCESS))!;
    await h.page.click('#tour-revoke');
    await h.page.waitForSelector('body[data-session="ended"]');
    expect(await text('#ended')).toContain('revoked');
    expect(await text('#log')).toContain('revoke this session by sid');
    await shot('4-after-revocation.png');
    expect(await codeFor(`${h.stack.profileUrl}/me`, token)).toBe('401 token_revoked');
    expect(await codeFor(`${h.stack.ordersUrl}/orders`, token)).toBe('401 token_revoked');
  }, 60_000);

  it('replaying an old refresh token ends the session on the page and every token of the user', async () => {
    await loginAs('alice');
    const token = (await cookie(ACCESS))!;
    await h.page.click('#tour-replay');
    await h.page.waitForSelector('body[data-session="ended"]', { timeout: 15_000 });
    expect(await text('#ended')).toContain('refresh_token_reused');
    expect(await text('#status')).toBe(
      'auth POST /refresh/demo/replay (the thief presents the old token) → 401 refresh_token_reused',
    );
    const names = (await h.browser.context.cookies()).map((c) => c.name);
    expect(names).not.toContain(ACCESS);
    expect(names).not.toContain(REFRESH);
    await shot('5-after-reuse.png');
    expect(await codeFor(`${h.stack.ordersUrl}/orders`, token)).toBe('401 token_revoked');
  }, 60_000);

  it('logs out: both cookies gone and the access token revoked; no CSP violation all along', async () => {
    // The reuse revoked alice's tokens issued up to the next whole second (iat has second precision).
    await sleep(1_100);
    await loginAs('alice');
    const token = (await cookie(ACCESS))!;
    await h.page.click('#logout');
    await status('auth POST /logout → 204');
    await h.page.waitForSelector('body[data-session="ended"]');
    expect(await h.browser.context.cookies()).toEqual([]);
    expect(await codeFor(`${h.stack.authUrl}/session`, token)).toBe('401 token_revoked');
    expect(h.browser.cspViolations).toEqual([]);
  }, 60_000);

  it('a refresh that finds the refresh cookie gone logs out, so that the access token is revoked too', async () => {
    await loginAs('alice');
    const token = (await cookie(ACCESS))!;
    await h.browser.context.clearCookies({ name: REFRESH });
    await h.page.click('#refresh');
    await status('auth POST /logout (after refresh_token_missing) → 204');
    await h.page.waitForSelector('body[data-session="ended"]');
    expect(await text('#ended')).toContain('refresh_token_missing');
    expect(await h.browser.context.cookies()).toEqual([]);
    expect(await codeFor(`${h.stack.ordersUrl}/orders`, token)).toBe('401 token_revoked');
    expect(h.browser.cspViolations).toEqual([]);
  }, 60_000);
});

describe('a session ends at its absolute lifetime, however often the page refreshes (real time)', () => {
  const LIFETIME_MS = 7_000;
  let h: Harness;
  const { cookie, text, loginAs, codeFor } = helpers(() => h);

  beforeAll(async () => {
    h = await open({ accessTokenTtlSeconds: 2, refreshAbsoluteLifetimeMs: LIFETIME_MS });
  }, 60_000);
  afterAll(async () => {
    await h?.browser.close();
    await h?.stack.close();
  });

  it('stays logged in by refreshing, then logs out at the deadline and revokes its last token', async () => {
    await h.page.goto(h.stack.authUrl);
    await h.page.waitForSelector('body[data-ready="true"]');
    const loggedInAt = Date.now();
    await loginAs('alice');
    const first = await cookie(ACCESS);
    await sleep(4_000);
    // Two access-token lifetimes later: refreshed, still in.
    expect(await h.page.getAttribute('body', 'data-session')).toBe('active');
    expect(await cookie(ACCESS)).not.toBe(first);
    await h.page.click('#get-me');
    // The call log's row, not the one-line status: a refresh every 1.6 s may overwrite the status line at once.
    await h.page
      .locator('#log tr')
      .filter({ has: h.page.locator('.svc-profile') })
      .filter({ hasText: 'GET /me' })
      .filter({ has: h.page.locator('.status.s2xx') })
      .first()
      .waitFor();
    const last = (await cookie(ACCESS))!;

    await h.page.waitForSelector('body[data-session="ended"]', { timeout: 10_000 });
    expect(Date.now() - loggedInAt).toBeGreaterThanOrEqual(LIFETIME_MS - 500);
    expect(await text('#ended')).toContain('end of its lifetime');
    expect(await h.browser.context.cookies()).toEqual([]);
    expect(await codeFor(`${h.stack.profileUrl}/me`, last)).toMatch(/^401 token_(revoked|expired)$/);
    expect(h.browser.cspViolations).toEqual([]);
  }, 60_000);
});
