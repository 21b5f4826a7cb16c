import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { createMemoryDenylist } from '@jwks-kit/denylist';
import { createKeyRing, createMemoryKeyStore } from '@jwks-kit/issuer';
import { createMemoryRefreshTokenStore } from '@jwks-kit/issuer/sessions';
import { createRemoteKeySet, type RemoteKeySet } from '@jwks-kit/verifier';
import { createClock, freePort } from '@jwks-kit/test-kit';
import { createApp as createAuthApp } from '../auth-service/src/create-app.js';
import { createUserDirectory, DEMO_USERS } from '../auth-service/src/users.js';
import { createApp as createOrdersApp } from '../orders-service/src/create-app.js';
import { createApp as createProfileApp } from '../profile-service/src/create-app.js';
import { listen, type RunningServer } from '../shared/src/listen.js';

const CHROMIUM = '/usr/bin/chromium';
const TTL_SECONDS = 120;

describe('the web page in a real browser (Chromium, headless)', () => {
  const clock = createClock(Date.now());
  const servers: RunningServer[] = [];
  let keySet: RemoteKeySet;
  let context: BrowserContext;
  let page: Page;
  let profileDir: string;
  let authUrl: string;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    const [authPort, ordersPort, profilePort] = [await freePort(), await freePort(), await freePort()];
    authUrl = `http://127.0.0.1:${authPort}`;
    const allowedOrigins = [authUrl];
    const denylist = createMemoryDenylist({ issuer: authUrl, now: clock.now, sweepIntervalMs: 0 });
    const keyRing = await createKeyRing({
      store: createMemoryKeyStore(),
      maxJwksCacheAgeMs: 60_000,
      maxTokenLifetimeMs: TTL_SECONDS * 1000,
      now: clock.now,
    });
    const auth = createAuthApp({
      issuerUrl: authUrl,
      keyRing,
      users: await createUserDirectory(DEMO_USERS),
      denylist,
      refreshStore: createMemoryRefreshTokenStore(),
      allowedOrigins,
      ordersPort,
      profilePort,
      accessTokenTtlSeconds: TTL_SECONDS,
      now: clock.now,
    });
    servers.push(await listen(auth, authPort));
    keySet = createRemoteKeySet({ jwksUri: `${authUrl}/.well-known/jwks.json` });
    const deps = { issuerUrl: authUrl, keySet, denylist, allowedOrigins, now: clock.now };
    servers.push(await listen(createOrdersApp(deps), ordersPort));
    servers.push(await listen(createProfileApp(deps), profilePort));

    profileDir = await mkdtemp(join(tmpdir(), 'jwks-kit-chromium-'));
    // A fresh profile directory per run: no cookies or cache from anything else.
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    page = context.pages()[0] ?? (await context.newPage());
    // Every CSP refusal reaches the page as a `securitypolicyviolation` event and the console as an error.
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    await page.exposeFunction('reportCspViolation', (text: string) => cspViolations.push(text));
    await page.addInitScript(
      "document.addEventListener('securitypolicyviolation', (e) => reportCspViolation(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`));",
    );
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    keySet?.close();
    await Promise.all(servers.map((s) => s.close()));
    if (profileDir) await rm(profileDir, { recursive: true, force: true });
  });

  const status = () => page.locator('#status');

  it('is styled by its own stylesheet without a single CSP violation', async () => {
    await page.goto(authUrl);
    await page.waitForSelector('body[data-ready="true"]');
    // The stylesheet applied: the body is no longer in the browser's default 8 px margin and serif font.
    const font = String(await page.evaluate('getComputedStyle(document.body).fontFamily'));
    expect(font).toContain('system-ui');
    expect(cspViolations).toEqual([]);
  });

  it('logs in, sees orders, keeps the tokens away from JavaScript, survives expiry through refresh, and logs out', async () => {
    await page.goto(authUrl);
    await page.waitForSelector('body[data-ready="true"]');
    await page.fill('#username', 'alice');
    await page.fill('#password', 'alice-pass');
    await page.click('#login-button');
    await page.waitForSelector('#session:not([hidden])');
    expect(await page.textContent('#who')).toBe('alice');

    await page.click('#get-orders');
    await expect(status().filter({ hasText: 'GET /orders → 200' }).waitFor()).resolves.toBeUndefined();
    expect(await page.textContent('#output')).toContain('espresso beans');

    await page.click('#post-orders');
    await status().filter({ hasText: 'POST /orders → 403' }).waitFor();
    expect(await page.textContent('#output')).toContain('insufficient_scope');

    // The tokens exist as cookies, but httpOnly: the page's JavaScript cannot read them.
    const cookies = await context.cookies();
    const names = cookies.map((c) => c.name).sort();
    expect(names).toEqual(['__Host-access_token', '__Secure-refresh_token']);
    expect(cookies.every((c) => c.httpOnly)).toBe(true);
    const visible = String(await page.evaluate('document.cookie'));
    expect(visible).not.toContain('access_token');
    expect(visible).not.toContain('refresh_token');
    for (const c of cookies) expect(visible).not.toContain(c.value);

    // The access token expires (the services' clock moves past exp + leeway); the page refreshes once and retries.
    const before = cookies.find((c) => c.name === '__Host-access_token')!.value;
    clock.advance((TTL_SECONDS + 10) * 1000);
    await page.click('#get-me');
    await status().filter({ hasText: 'GET /me (after refresh) → 200' }).waitFor();
    const after = (await context.cookies()).find((c) => c.name === '__Host-access_token')!.value;
    expect(after).not.toBe(before);

    await page.click('#logout');
    await status().filter({ hasText: 'POST /logout → 204' }).waitFor();
    await page.waitForSelector('#login:not([hidden])');
    expect((await context.cookies()).map((c) => c.name)).toEqual([]);
    // The logged-out access token is revoked, not merely forgotten by the browser.
    const replay = await fetch(`${authUrl}/session`, { headers: { authorization: `Bearer ${after}` } });
    expect(replay.status).toBe(401);
    expect(((await replay.json()) as { code: string }).code).toBe('token_revoked');
    expect(cspViolations).toEqual([]);
  }, 60_000);
});
