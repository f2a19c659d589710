/**
 * Issue 18 in a real Chromium against a real gateway: actions that must be safe
 * (confirmations a double-click cannot satisfy, the last administrator kept, a wrong token
 * refused at sign-in, a replace import previewed before it deletes) and views that give
 * feedback. Each test saves a screenshot named after its point of the issue.
 */
import { startHttpFixture } from '@switchboard/core/upstream/test-upstreams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { ADMIN_TOKEN, Cleanup, type E2eGateway, freePort, startE2eGateway } from '../support/gateway.ts';
import { checkEachTest, type ConsoleBrowser, openBrowser } from './browser.ts';
import { buildConsole } from './build-console.ts';

const ADMIN = { email: 'ada@example.com', password: 'console admin password' };

describe('console safety (issue 18) in Chromium', () => {
  const cleanup = new Cleanup();
  let gw: E2eGateway;
  let b: ConsoleBrowser;
  let fxId = '';
  let adaId = '';
  let fxUrl = '';

  beforeAll(async () => {
    const consoleDir = await buildConsole();
    const fx = await startHttpFixture();
    cleanup.add(() => fx.stop());
    fxUrl = fx.url;
    gw = await startE2eGateway({ SWITCHBOARD_CONSOLE_DIR: consoleDir });
    cleanup.add(() => gw.stop());
    const ada = await gw.api('POST', '/api/v1/users', { ...ADMIN, name: 'Ada Admin', isAdmin: true });
    expect(ada.status).toBe(201);
    adaId = ada.body.id;
    const created = await gw.api('POST', '/api/v1/upstreams', { name: 'fx', transport: 'streamable-http', url: fx.url });
    expect(created.status).toBe(201);
    fxId = created.body.id;
    expect((await gw.api('POST', `/api/v1/upstreams/${fxId}/refresh`)).status).toBe(200);
    for (const name of ['alpha', 'beta']) {
      const server = await gw.api('POST', '/api/v1/virtual-servers', { name, entries: [{ kind: 'upstream', upstreamId: fxId }] });
      expect(server.status).toBe(201);
    }
    b = await openBrowser(gw.url);
    cleanup.add(() => b.close());
  });
  afterAll(() => cleanup.run());
  checkEachTest(() => b);

  it('#9 refuses a wrong admin token at sign-in, and signs in with the right one', async () => {
    const { page } = b;
    await page.goto('/');
    await page.getByRole('button', { name: 'Use an admin API token instead' }).click();
    await page.getByLabel('Admin API token').fill('sb_this-is-not-a-token-this-is-not-a-token');
    await page.getByRole('button', { name: 'Sign in with token' }).click();
    await page.getByRole('alert').getByText('this token is not valid: it is unknown, revoked or expired').waitFor();
    // Still on the sign-in card: nothing was kept, no page bounced.
    expect(await page.getByRole('heading', { name: 'Sign in to Switchboard' }).isVisible()).toBe(true);
    expect(await page.evaluate("sessionStorage.getItem('switchboard.adminToken')")).toBeNull();
    await b.screenshot('issue18-09-wrong-token-refused-at-sign-in');
    b.expectedErrors(/status of 401/);
    await page.getByLabel('Admin API token').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in with token' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Switchboard' }).waitFor();
  });

  it('#1 a double-click does not delete; the confirmation says what breaks and wants the name typed', async () => {
    const { page } = b;
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.goto(`/upstreams/${fxId}`);
    const trigger = page.getByRole('button', { name: 'Delete', exact: true });
    await trigger.dblclick();
    const dialog = page.getByRole('dialog', { name: 'Delete upstream fx?' });
    await dialog.waitFor();
    const confirm = dialog.getByRole('button', { name: 'Delete upstream' });
    // A third, fast click straight on the confirm button: still disabled, nothing happens.
    await confirm.click({ force: true, timeout: 1000 });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog
      .getByLabel('What will break')
      .getByText('2 virtual servers use this upstream (alpha, beta); their tools from it disappear.')
      .waitFor();
    await b.screenshot('issue18-01-confirmation-says-what-breaks');
    await dialog.getByRole('button', { name: 'Cancel' }).press('Enter');
    await dialog.waitFor({ state: 'detached' });
    expect((await gw.api('GET', `/api/v1/upstreams/${fxId}`)).status).toBe(200);

    // Deliberately: open (focus starts on Cancel, away from the confirm button), wait, type the name, confirm.
    await trigger.click();
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Cancel');
    await dialog.getByLabel('Type fx to confirm').fill('f');
    await page.waitForTimeout(1000);
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel('Type fx to confirm').fill('fx');
    await confirm.click();
    await page.waitForURL(/\/upstreams$/);
    await page.getByRole('heading', { name: 'Upstreams', exact: true, level: 1 }).waitFor();
    expect((await gw.api('GET', `/api/v1/upstreams/${fxId}`)).status).toBe(404);
  });

  it('#3 warns before self-demotion and the gateway keeps the last active administrator', async () => {
    const { page } = b;
    await page.goto(`/users/${adaId}`);
    await page.getByRole('heading', { name: ADMIN.email }).waitFor();
    await page.getByLabel('Administrator').uncheck();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Lock yourself out?' });
    await dialog.getByText('You are removing your own Administrator flag: you lose access to this console at once.').waitFor();
    await dialog.getByRole('button', { name: 'Save anyway' }).click();
    await dialog.getByRole('alert').getByText(/cannot remove the administrator flag of the last active administrator/).waitFor();
    await b.screenshot('issue18-03-last-admin-kept');
    b.expectedErrors(/status of 409/);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect((await gw.api('GET', `/api/v1/users/${adaId}`)).body).toMatchObject({ isAdmin: true, disabled: false });

    // An ordinary save shows "Saved." (the form remounts with the new data and keeps it).
    await page.getByLabel('Administrator').check();
    await page.getByLabel('Name', { exact: true }).fill('Ada Lovelace');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('status').getByText('Saved.').waitFor();
    expect((await gw.api('GET', `/api/v1/users/${adaId}`)).body.name).toBe('Ada Lovelace');
    await b.screenshot('issue18-07-profile-saved');
  });

  it('#2 a replace import is previewed (created / updated / deleted by name) and deletes only after a confirmation', async () => {
    const { page } = b;
    const keep = await gw.api('POST', '/api/v1/upstreams', { name: 'keep', transport: 'streamable-http', url: 'http://127.0.0.1:9/mcp' });
    const drop = await gw.api('POST', '/api/v1/upstreams', { name: 'drop', transport: 'streamable-http', url: 'http://127.0.0.1:9/mcp' });
    expect([keep.status, drop.status]).toEqual([201, 201]);
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByLabel('Import mode').selectOption('replace');
    const doc = { mcpServers: { keep: { type: 'http', url: 'http://127.0.0.1:9/mcp' }, fresh: { type: 'http', url: 'http://127.0.0.1:9/mcp' } } };
    await page.locator('#config-import').fill(JSON.stringify(doc, null, 2));
    await page.getByRole('button', { name: 'Preview changes' }).click();
    const preview = page.getByLabel('Import preview');
    await preview.waitFor();
    const groups = (await preview.locator('.diff-group').allInnerTexts()).map((text) => text.replace(/\s+/g, ' '));
    expect(groups).toEqual([
      'Upstreams Created (1): fresh Updated (1): keep Deleted (1): drop',
      'Virtual servers Deleted (2): alpha, beta',
    ]);
    await b.screenshot('issue18-02-import-dry-run-preview');
    expect((await gw.api('GET', `/api/v1/upstreams/${drop.body.id}`)).status).toBe(200);

    await page.getByRole('button', { name: 'Apply and delete 3' }).dblclick();
    const dialog = page.getByRole('dialog', { name: 'Delete 3 objects?' });
    await dialog.getByText('drop').waitFor();
    expect((await gw.api('GET', `/api/v1/upstreams/${drop.body.id}`)).status).toBe(200);
    await dialog.getByLabel('Type replace to confirm').fill('replace');
    await dialog.getByRole('button', { name: 'Apply and delete' }).click();
    await page.getByRole('status').getByText('Applied.').waitFor();
    expect((await gw.api('GET', `/api/v1/upstreams/${drop.body.id}`)).status).toBe(404);
    const names = (await gw.api('GET', '/api/v1/upstreams?limit=200')).body.items.map((u: { name: string }) => u.name).sort();
    expect(names).toEqual(['fresh', 'keep']);
  });

  it('#7 Refresh says it worked, and "Listed" moves even when nothing changed', async () => {
    const { page } = b;
    const created = await gw.api('POST', '/api/v1/upstreams', { name: 'fx-again', transport: 'streamable-http', url: fxUrl });
    expect((await gw.api('POST', `/api/v1/upstreams/${created.body.id}/refresh`)).status).toBe(200);
    // As if it was last listed 20 minutes ago.
    await gw.running.deps.database.db.execute(
      sql`update upstream_catalogs set checked_at = now() - interval '20 minutes', refreshed_at = now() - interval '20 minutes' where upstream_id = ${created.body.id}`,
    );
    await page.goto(`/upstreams/${created.body.id}`);
    const meta = page.locator('.catalog-meta');
    await meta.getByText('Listed 20 min ago').waitFor();
    await page.getByRole('button', { name: 'Refresh', exact: true }).click();
    await page.getByRole('status').getByText(/^Listed again: \d+ tools\.$/).waitFor();
    await meta.getByText('Listed just now · last changed 20 min ago').waitFor();
    await b.screenshot('issue18-07-refresh-feedback-and-last-checked');
    await page.getByRole('button', { name: 'Restart', exact: true }).click();
    await page.getByRole('status').getByText('Restarted: connected.').waitFor();
  });

  it('#8 an unreachable upstream says why (ECONNREFUSED), and its whole URL is readable', async () => {
    const { page } = b;
    const url = `http://127.0.0.1:${await freePort()}/a/rather/long/path/that/used/to/be/clipped/on/the/detail/page/mcp?tenant=example`;
    const created = await gw.api('POST', '/api/v1/upstreams', { name: 'down', transport: 'streamable-http', url });
    await page.goto(`/upstreams/${created.body.id}`);
    await page.getByRole('button', { name: 'Connect and list now' }).click();
    await page.getByRole('alert').getByText(/fetch failed: connect ECONNREFUSED 127\.0\.0\.1:\d+/).first().waitFor();
    const target = page.locator('.fact-wide', { hasText: 'Target' }).locator('dd');
    expect(await target.textContent()).toBe(url);
    expect(await target.evaluate((el: { scrollWidth: number; clientWidth: number }) => el.scrollWidth <= el.clientWidth)).toBe(true);
    await b.screenshot('issue18-08-upstream-error-cause-and-full-url');
    b.expectedErrors(/status of 503/);
  });

  it('#10 users page with the cursor and search on the server; the access-preview picker searches as you type', async () => {
    const { page } = b;
    // The figure: 10,000 users, in one import (~20 s here). A page is 50; the old list stopped at 200.
    const COUNT = 10_000;
    const users = Object.fromEntries(Array.from({ length: COUNT }, (_, i) => [`person-${String(i).padStart(5, '0')}@scale.example`, { name: `Person ${i}` }]));
    await gw.importConfig({ users });
    await page.getByRole('link', { name: 'Users' }).click();
    const rows = page.locator('table tbody tr');
    await page.getByRole('navigation', { name: 'Pages of users' }).getByText('Page 1').waitFor();
    expect(await rows.count()).toBe(50);
    const firstPage = await rows.allTextContents();
    await page.getByRole('button', { name: 'Next →' }).click();
    await page.getByText('Page 2').waitFor();
    // The previous page stays on screen until the next one arrives.
    await expect.poll(() => rows.first().textContent()).not.toBe(firstPage[0]);
    const secondPage = await rows.allTextContents();
    expect(secondPage.some((r) => firstPage.includes(r))).toBe(false);
    await page.getByRole('button', { name: '← Previous' }).click();
    await page.getByText('Page 1').waitFor();
    await expect.poll(() => rows.allTextContents()).toEqual(firstPage); // stable order

    // The last user, unreachable before: found by the server.
    await page.getByLabel('Search users').fill('person-09999');
    await page.getByRole('heading', { name: 'Users matching “person-09999”' }).waitFor();
    await rows.first().getByText('person-09999@scale.example').waitFor();
    expect(await rows.count()).toBe(1);
    await b.screenshot('issue18-10-users-search-and-pages');

    await page.getByRole('link', { name: 'Access preview' }).click();
    await page.getByRole('combobox', { name: 'User' }).fill('09998');
    await page.getByRole('list', { name: 'User matches' }).getByRole('button', { name: /person-09998@scale\.example/ }).click();
    await page.waitForURL(/user=person-09998%40scale\.example/);
    await b.screenshot('issue18-10-access-preview-user-picker');

    // Upstreams and virtual servers are searched on the server too.
    await page.getByRole('link', { name: 'Upstreams' }).click();
    await page.getByLabel('Search upstreams').fill('again');
    await page.getByRole('heading', { name: 'Upstreams matching “again”' }).waitFor();
    await expect.poll(() => page.locator('table tbody tr').allTextContents()).toEqual([expect.stringContaining('fx-again')]);
    await b.screenshot('issue18-10-upstreams-search');
    for (const name of ['ops-team', 'sales']) expect((await gw.api('POST', '/api/v1/roles', { name })).status).toBe(201);
    await page.getByRole('link', { name: 'Roles' }).click();
    await page.getByLabel('Search roles').fill('ops');
    await page.getByRole('heading', { name: 'Roles matching “ops”' }).waitFor();
    await expect.poll(() => page.locator('.role-list > li').allTextContents()).toEqual([expect.stringContaining('ops-team')]);
  });

  it('#13 each client gets the snippet it accepts; Claude Desktop is warned that localhost is out of its reach', async () => {
    const { page } = b;
    const server = await gw.api('POST', '/api/v1/virtual-servers', { name: 'keyed', authMode: 'api-key', entries: [] });
    expect(server.status).toBe(201);
    await page.goto(`/virtual-servers/${server.body.id}`);
    await page.getByRole('tab', { name: 'Claude Desktop' }).click();
    const panel = page.getByRole('tabpanel');
    await panel.getByRole('note').filter({ hasText: "from Anthropic's servers, which cannot reach this address" }).waitFor();
    await panel.getByRole('note').filter({ hasText: 'cannot send an Authorization header' }).waitFor();
    expect(await panel.textContent()).not.toContain('Bearer');
    await b.screenshot('issue18-13-claude-desktop-snippet-warnings');
    await page.getByRole('tab', { name: 'Claude Code' }).click();
    await page.getByRole('tabpanel').getByText('--header "Authorization: Bearer $SWITCHBOARD_TOKEN"').waitFor();
    expect(await page.getByRole('tabpanel').getByRole('note').count()).toBe(0);
  });

  it('#6 (part) the audit log tails live: a new call appears without reloading', async () => {
    const { page } = b;
    const upstreams = await gw.api('GET', '/api/v1/upstreams?q=fx-again');
    const server = await gw.api('POST', '/api/v1/virtual-servers', {
      name: 'tail',
      defaultAccess: 'allow',
      entries: [{ kind: 'upstream', upstreamId: upstreams.body.items[0].id }],
    });
    expect(server.status).toBe(201);
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByLabel('Live tail').check();
    await page.getByText(/^Live: newest first/).waitFor();
    const rows = page.locator('.audit-table tbody tr');
    await page.getByText(/No events yet|Newest first|Live/).first().waitFor();
    const call = await gw.api('POST', `/api/v1/virtual-servers/${server.body.id}/playground/tools/call`, { name: 'fx-again__test_simple_text' });
    expect(call.status).toBe(200);
    await rows.filter({ hasText: 'fx-again__test_simple_text' }).first().waitFor({ timeout: 15_000 });
    await b.screenshot('issue18-06-audit-live-tail');
  });
});
