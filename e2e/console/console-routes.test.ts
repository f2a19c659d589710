/**
 * Issue 18 (structure) in a real Chromium: the console's routes under TanStack Router keep
 * every URL the console used before — deep links with their query strings, reloads, the
 * back button, the sidebar's current page, "No such page" — as plain `key=value` URLs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, Cleanup, type E2eGateway, startE2eGateway } from '../support/gateway.ts';
import { checkEachTest, type ConsoleBrowser, openBrowser } from './browser.ts';
import { buildConsole } from './build-console.ts';

describe('console routes (issue 18, structure) in Chromium', () => {
  const cleanup = new Cleanup();
  let gw: E2eGateway;
  let b: ConsoleBrowser;

  beforeAll(async () => {
    const consoleDir = await buildConsole();
    gw = await startE2eGateway({ SWITCHBOARD_CONSOLE_DIR: consoleDir });
    cleanup.add(() => gw.stop());
    b = await openBrowser(gw.url);
    cleanup.add(() => b.close());
    const { page } = b;
    // Signing in on a deep link keeps it: the page asked for is the page shown.
    await page.goto('/audit?client=Claude&tool=search_&junk=1');
    await page.getByRole('button', { name: 'Use an admin API token instead' }).click();
    await page.getByLabel('Admin API token').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in with token' }).click();
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
  });
  afterAll(() => cleanup.run());
  checkEachTest(() => b);

  it('a deep link’s query string fills the page’s filter, survives a reload, and the sidebar marks the page', async () => {
    const { page } = b;
    expect(await page.getByLabel('Client').inputValue()).toBe('Claude');
    expect(await page.getByLabel('Tool', { exact: true }).inputValue()).toBe('search_');
    await page.reload();
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    expect(await page.getByLabel('Client').inputValue()).toBe('Claude');
    expect(await page.title()).toBe('Audit log · Switchboard');
    expect(await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Audit log' }).getAttribute('aria-current')).toBe('page');
    // Applying a filter writes a plain query string (no JSON-quoted values), empty fields left out.
    await page.getByLabel('Client').fill('');
    await page.getByLabel('Tool', { exact: true }).fill('123');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL((url) => url.search === '?tool=123');
    await b.screenshot('issue18-structure-routes-audit-deep-link');
  });

  it('links, params and the back button: list → detail → back, and an unknown page says so', async () => {
    const { page } = b;
    const created = await gw.api('POST', '/api/v1/users', { email: 'route-test@example.com', name: 'Route Test' });
    expect(created.status).toBe(201);
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Users' }).click();
    await page.waitForURL(/\/users$/);
    await page.getByRole('link', { name: 'route-test@example.com' }).click();
    await page.waitForURL(new RegExp(`/users/${created.body.id}$`));
    await page.getByRole('heading', { name: /Route Test|route-test@example\.com/ }).first().waitFor();
    expect(await page.title()).toBe('User · Switchboard');
    // the detail page is still under "Users" in the sidebar
    expect(await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Users' }).getAttribute('aria-current')).toBe('page');
    await page.goBack();
    await page.waitForURL(/\/users$/);
    await page.getByRole('link', { name: 'route-test@example.com' }).waitFor();
    await page.goto('/no/such/page');
    await page.getByText('No such page.').waitFor();
    expect(await page.title()).toBe('No such page · Switchboard');
    await page.getByRole('link', { name: 'Back to the start' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await b.screenshot('issue18-structure-routes-back-to-start');
  });
});
