/**
 * Debian's Chromium driven by playwright-core, headless, for the console tests. Every
 * page records browser console errors and uncaught exceptions; a test calls
 * `expectNoConsoleErrors()` at its end, and `screenshot()` saves into e2e/artifacts/console/.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT } from '@switchboard/core/upstream/test-upstreams';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterEach, beforeEach } from 'vitest';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = join(ROOT, 'e2e/artifacts/console');

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export interface ConsoleBrowser {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Errors the browser logged since the last `resetErrors()`. */
  errors: string[];
  resetErrors(): void;
  /**
   * Forgets errors the test provoked on purpose (e.g. the 401 a wrong token gets), which must
   * be there: throws when none matches, so an expected error cannot silently disappear.
   */
  expectedErrors(pattern: RegExp): void;
  expectNoConsoleErrors(): void;
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

export interface BrowserOptions {
  /**
   * Only errors raised by pages of these origins count (default: every page). The OIDC
   * test passes through a third-party identity provider whose own pages are not ours.
   */
  errorOrigins?: string[];
}

export async function openBrowser(origin: string, options: BrowserOptions = {}): Promise<ConsoleBrowser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (npm test does this)`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, baseURL: origin, colorScheme: 'light' });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  const errors: string[] = [];
  const counts = () => !options.errorOrigins || options.errorOrigins.some((o) => page.url().startsWith(o));
  page.on('console', (message) => {
    if (message.type() === 'error' && counts()) errors.push(`console.error: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => {
    if (counts()) errors.push(`uncaught: ${error.message}`);
  });
  page.on('requestfailed', (request) => {
    // Downloads and aborted polls on navigation are not failures of the app.
    const failure = request.failure()?.errorText ?? '';
    if (!/ERR_ABORTED/.test(failure) && counts()) errors.push(`request failed: ${request.method()} ${request.url()} ${failure}`);
  });
  await mkdir(ARTIFACTS, { recursive: true });
  return {
    browser,
    context,
    page,
    errors,
    resetErrors: () => void errors.splice(0),
    expectedErrors(pattern) {
      const kept = errors.filter((e) => !pattern.test(e));
      if (kept.length === errors.length) throw new Error(`expected a browser error matching ${pattern}, got:\n${errors.join('\n')}`);
      errors.splice(0, errors.length, ...kept);
    },
    expectNoConsoleErrors() {
      if (errors.length) throw new Error(`the browser logged errors:\n${errors.join('\n')}`);
    },
    async screenshot(name) {
      const path = join(ARTIFACTS, `${name}.png`);
      // From the top, so the sticky top bar sits where it belongs in a full-page capture.
      await page.evaluate('window.scrollTo(0, 0)');
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    close: () => browser.close(),
  };
}

/**
 * The checks every console suite runs around each test: the browser's errors counted from
 * the test's start, a screenshot when it fails, and no console error it did not expect.
 */
export function checkEachTest(browser: () => ConsoleBrowser, prefix = 'failed'): void {
  beforeEach(() => browser().resetErrors());
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await browser().screenshot(`${prefix}-${ctx.task.name.replace(/\W+/g, '-')}`).catch(() => {});
    browser().expectNoConsoleErrors();
  });
}
