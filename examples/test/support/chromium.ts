import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_INSTALL_HINT, chromiumPath } from '../../../scripts/chromium-path.js';

/** A headless Chromium with a fresh profile, its first page, and every CSP violation the page met. */
export type TestBrowser = Readonly<{
  context: BrowserContext;
  page: Page;
  /** One line per violation, from the console and from `securitypolicyviolation` events. */
  cspViolations: readonly string[];
  close: () => Promise<void>;
}>;

/** Launches Chromium on a fresh profile directory (no cookies or cache from anything else) and watches for CSP violations. */
export async function launchChromium(viewport = { width: 1400, height: 900 }): Promise<TestBrowser> {
  const executablePath = chromiumPath();
  if (executablePath === undefined) throw new Error(`Chromium not found: ${CHROMIUM_INSTALL_HINT}`);
  const profileDir = await mkdtemp(join(tmpdir(), 'jwks-kit-chromium-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath,
    headless: true,
    viewport,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const cspViolations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  await page.exposeFunction('reportCspViolation', (text: string) => cspViolations.push(text));
  await page.addInitScript(
    "document.addEventListener('securitypolicyviolation', (e) => reportCspViolation(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`));",
  );
  return {
    context,
    page,
    cspViolations,
    close: async () => {
      await context.close();
      await rm(profileDir, { recursive: true, force: true });
    },
  };
}
