import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../../test/support/chromium.js';
import { startWebStack } from '../../test/support/web-stack.js';

// `pnpm --filter ./examples screenshots`: renders the demo page after a short walk (login, calls,
// one automatic refresh, a 403) at 1400 px and 400 px wide into examples/web/screenshots/, the PNGs
// the root README shows. The browser test saves its own screenshots elsewhere (gitignored).

const OUT = fileURLToPath(new URL('../screenshots/', import.meta.url));
const WIDTHS = [
  { name: 'demo-1400.png', width: 1400, height: 1000 },
  { name: 'demo-400.png', width: 400, height: 900 },
] as const;

// The timings of `pnpm demo`: 30 s access tokens, sessions idle out after 10 min and end after 30.
const stack = await startWebStack({
  accessTokenTtlSeconds: 30,
  refreshIdleTimeoutMs: 10 * 60_000,
  refreshAbsoluteLifetimeMs: 30 * 60_000,
});
await mkdir(OUT, { recursive: true });
try {
  for (const shot of WIDTHS) {
    const browser = await launchChromium({ width: shot.width, height: shot.height });
    try {
      const { page } = browser;
      await page.goto(stack.authUrl);
      await page.waitForSelector('body[data-ready="true"]');
      await page.click('#login-button');
      await page.waitForSelector('body[data-session="active"]');
      await page.click('#get-orders');
      await page.locator('#status', { hasText: 'GET /orders → 200' }).waitFor();
      await page.click('#get-me');
      await page.locator('#status', { hasText: 'GET /me → 200' }).waitFor();
      await page.click('#refresh');
      await page.locator('#status', { hasText: 'POST /refresh (Refresh now button) → 200' }).waitFor();
      await page.click('#post-orders');
      await page.locator('#status', { hasText: '403' }).waitFor();
      // A few seconds into the token's life, so that the bars show progress.
      await page.waitForTimeout(6_000);
      await page.mouse.move(0, 0);
      await page.screenshot({ path: `${OUT}${shot.name}`, fullPage: true });
      if (browser.cspViolations.length > 0) throw new Error(`CSP violations: ${browser.cspViolations.join('; ')}`);
      console.log(`wrote ${OUT}${shot.name}`);
    } finally {
      await browser.close();
    }
  }
} finally {
  await stack.close();
}
