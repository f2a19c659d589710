/**
 * The console's Admin changes page in a real Chromium against a real gateway: a change
 * made in the console by a signed-in administrator and one made with the admin API token
 * are listed with who made them, filtered, and shown as a before/after diff with the
 * secret header masked.
 */
import { startHttpFixture } from '@switchboard/core/upstream/test-upstreams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cleanup, type E2eGateway, startE2eGateway } from '../support/gateway.ts';
import { checkEachTest, type ConsoleBrowser, openBrowser } from './browser.ts';
import { buildConsole } from './build-console.ts';

const ADMIN = { email: 'grace@example.com', password: 'console admin password' };
const SECRET = 'header-secret-never-shown-5c1d';

describe('console: admin changes', () => {
  const cleanup = new Cleanup();
  let gw: E2eGateway;
  let b: ConsoleBrowser;
  let fxUrl = '';

  beforeAll(async () => {
    const consoleDir = await buildConsole();
    const fx = await startHttpFixture();
    fxUrl = fx.url;
    cleanup.add(() => fx.stop());
    gw = await startE2eGateway({ SWITCHBOARD_CONSOLE_DIR: consoleDir });
    cleanup.add(() => gw.stop());
    expect((await gw.api('POST', '/api/v1/users', { ...ADMIN, name: 'Grace Admin', isAdmin: true })).status).toBe(201);
    b = await openBrowser(gw.url);
    cleanup.add(() => b.close());
  });
  afterAll(() => cleanup.run());
  checkEachTest(() => b);

  it('lists a change made in the console under the signed-in person, with a before/after diff and no secret', async () => {
    const { page } = b;
    await page.goto('/');
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();

    // a change in the console: a new upstream with a write-only header
    await page.goto('/upstreams/new');
    await page.getByRole('radio', { name: /^Streamable HTTP/ }).check();
    await page.getByLabel('Name', { exact: true }).fill('docs');
    await page.getByLabel('URL', { exact: true }).fill(fxUrl);
    await page.getByRole('button', { name: '+ Add' }).click();
    await page.getByLabel('Headers name 1').fill('X-Api-Key');
    await page.getByLabel('Headers value 1').fill(SECRET);
    await page.getByRole('button', { name: 'Save upstream' }).click();
    await page.getByRole('heading', { name: /docs/ }).waitFor();

    // and one with the admin API token
    const list = await gw.api('GET', '/api/v1/upstreams?limit=200');
    const docs = list.body.items.find((u: { name: string }) => u.name === 'docs');
    expect((await gw.api('PATCH', `/api/v1/upstreams/${docs.id}`, { description: 'internal docs search' })).status).toBe(200);

    await page.getByRole('link', { name: 'Admin changes' }).click();
    await page.getByRole('heading', { name: 'Admin changes' }).waitFor();
    const table = page.locator('table.admin-events-table');
    const action = (name: string) => page.locator('.pill', { hasText: new RegExp(`^${name}$`) });
    const created = table.locator(':scope > tbody > tr', { hasText: ADMIN.email }).filter({ has: action('create') }).filter({ hasText: 'docs' });
    await created.waitFor();
    await created.getByText('Console').waitFor();
    const updated = table.locator(':scope > tbody > tr').filter({ has: action('update') }).filter({ hasText: 'docs' });
    await updated.getByText('API token').waitFor();

    // the update's diff: only what changed
    await updated.getByText('Before / after').click();
    const diff = updated.locator('table.diff-table');
    const description = diff.locator('tr', { hasText: 'description' });
    await description.locator('ins', { hasText: 'internal docs search' }).waitFor();
    expect(await diff.locator('tbody tr').count()).toBe(2); // description and updatedAt
    // the create's: every field added, the header as "(secret set)"
    await created.getByText('Before / after').click();
    await created.locator('table.diff-table tr', { hasText: 'headers.X-Api-Key' }).getByText('(secret set)').waitFor();
    expect(await page.content()).not.toContain(SECRET);
    await b.screenshot('admin-changes');

    // filters: the person's changes only
    await page.getByLabel('Who').fill(ADMIN.email);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/actor=grace/);
    // (the previous page stays on screen until the filtered one arrives)
    const actors = () => table.locator(':scope > tbody > tr > td:nth-child(2)').allTextContents();
    await expect.poll(async () => (await actors()).every((a) => a.includes(ADMIN.email)), { timeout: 15_000 }).toBe(true);
    expect((await actors()).length).toBeGreaterThan(0);
    expect(await table.locator(':scope > tbody > tr').filter({ has: action('update') }).count()).toBe(0);
  });
});
