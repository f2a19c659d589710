/**
 * The console's import page shows what an import applied but warns about: keys Switchboard
 * ignores and commands the gateway host cannot start (issue 19). Chromium, the built console.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, Cleanup, type E2eGateway, startE2eGateway } from '../support/gateway.ts';
import { type ConsoleBrowser, openBrowser } from './browser.ts';
import { buildConsole } from './build-console.ts';

describe('console import page', () => {
  const cleanup = new Cleanup();
  let gw: E2eGateway;
  let b: ConsoleBrowser;

  beforeAll(async () => {
    const consoleDir = await buildConsole();
    gw = await startE2eGateway({ SWITCHBOARD_CONSOLE_DIR: consoleDir });
    cleanup.add(() => gw.stop());
    b = await openBrowser(gw.url);
    cleanup.add(() => b.close());
  });
  afterAll(() => cleanup.run());

  it('imports an entry whose command does not exist and shows the spawn ENOENT warning and the ignored key', async () => {
    const { page } = b;
    await page.goto('/');
    await page.getByRole('button', { name: 'Use an admin API token instead' }).click();
    await page.getByLabel('Admin API token').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in with token' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.getByRole('link', { name: 'Upstreams' }).click();
    await page.getByRole('link', { name: 'Paste JSON' }).click();
    const doc = { mcpServers: { ghost: { command: '/nonexistent/bin/ghost-mcp-server', autoApprove: ['echo'] } } };
    await page.getByLabel('Configuration JSON').fill(JSON.stringify(doc, null, 2));
    await page.getByText('1 server found').waitFor();
    b.expectNoConsoleErrors();
    await page.getByRole('button', { name: 'Import' }).click();
    const warnings = page.locator('.callout.warn', { hasText: 'Imported with warnings' });
    await warnings.waitFor();
    const items = await warnings.locator('li').allTextContents();
    expect(items).toEqual([
      'mcpServers.ghost: ignored key "autoApprove"',
      expect.stringMatching(/^mcpServers\.ghost: spawn \/nonexistent\/bin\/ghost-mcp-server ENOENT/),
    ]);
    // The page then tries to connect it, which fails as warned (the browser logs that 503).
    await page.locator('.progress-state.failed').waitFor();
    await b.screenshot('import-warnings');
  });
});
