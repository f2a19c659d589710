/**
 * The admin console in a real Chromium against a real gateway (built console, embedded
 * Postgres) federating real upstreams: server-everything over stdio (added by pasting
 * JSON in the console) and the conformance fixture over Streamable HTTP. One flow per
 * test, in order; each saves a screenshot and fails on any browser console error.
 */
import { startHttpFixture } from '@switchboard/core/upstream/test-upstreams';
import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cleanup, type E2eGateway, startE2eGateway } from '../support/gateway.ts';
import { everythingEntry } from '../support/upstreams.ts';
import { checkEachTest, type ConsoleBrowser, openBrowser } from './browser.ts';
import { buildConsole } from './build-console.ts';

const ADMIN = { email: 'admin@example.com', password: 'console admin password' };
const rowWith = (table: Locator, text: string) => table.locator('tr', { hasText: text });

describe('admin console in Chromium', () => {
  const cleanup = new Cleanup();
  let gw: E2eGateway;
  let b: ConsoleBrowser;
  let serverId = '';
  let fxUrl = '';
  let adaId = '';

  beforeAll(async () => {
    const consoleDir = await buildConsole();
    const fx = await startHttpFixture();
    fxUrl = fx.url;
    cleanup.add(() => fx.stop());
    gw = await startE2eGateway({ SWITCHBOARD_CONSOLE_DIR: consoleDir });
    cleanup.add(() => gw.stop());
    const ada = await gw.api('POST', '/api/v1/users', { ...ADMIN, name: 'Ada Admin', isAdmin: true });
    expect(ada.status).toBe(201);
    adaId = ada.body.id;
    const created = await gw.api('POST', '/api/v1/upstreams', { name: 'fx', transport: 'streamable-http', url: fx.url });
    expect(created.status).toBe(201);
    expect((await gw.api('POST', `/api/v1/upstreams/${created.body.id}/refresh`)).status).toBe(200);
    b = await openBrowser(gw.url);
    cleanup.add(() => b.close());
  });
  afterAll(() => cleanup.run());
  checkEachTest(() => b);

  it('signs in with email and password', async () => {
    const { page } = b;
    await page.goto('/');
    await page.getByRole('heading', { name: 'Sign in to Switchboard' }).waitFor();
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.getByText('Ada Admin').waitFor();
    const cookies = await b.context.cookies();
    expect(cookies.find((c) => c.name === 'switchboard_console')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    await page.getByText('connected', { exact: true }).waitFor();
    await b.screenshot('01-dashboard-after-sign-in');
  });

  it('adds an upstream by pasting mcpServers JSON, and connects it', async () => {
    const { page } = b;
    await page.getByRole('link', { name: 'Upstreams' }).click();
    await page.getByRole('link', { name: 'Paste JSON' }).click();
    await page.getByLabel('Configuration JSON').fill(JSON.stringify({ mcpServers: { everything: everythingEntry() } }, null, 2));
    await page.getByText('1 server found').waitFor();
    await page.getByRole('button', { name: 'Import' }).click();
    await page.locator('.progress-state.ok').waitFor({ timeout: 90_000 });
    await b.screenshot('02-upstream-imported-from-json');
    await page.getByRole('link', { name: 'View upstreams' }).click();
    const row = rowWith(page.locator('table'), 'everything');
    await row.getByText('Connected').waitFor();
    await row.getByRole('link', { name: 'everything' }).click();
    await page.getByRole('tab', { name: /^Tools \(\d+\)$/ }).waitFor();
    await page.getByText('echo', { exact: true }).first().waitFor();
  });

  it('adds an upstream from the form, testing the connection before saving, with a write-only header and a protocol pin', async () => {
    const { page } = b;
    await page.goto('/upstreams/new');
    // legacy SSE upstreams are 2025-era anyway: no protocol choice for them
    await page.getByRole('radio', { name: /^SSE/ }).check();
    expect(await page.getByLabel('Protocol', { exact: true }).count()).toBe(0);
    await page.getByRole('radio', { name: /^Streamable HTTP/ }).check();
    await page.getByLabel('Name', { exact: true }).fill('fx-form');
    await page.getByLabel('URL', { exact: true }).fill(fxUrl);
    await page.getByRole('button', { name: '+ Add' }).click();
    await page.getByLabel('Headers name 1').fill('X-Api-Key');
    await page.getByLabel('Headers value 1').fill('header-secret-value');
    await page.getByLabel('Protocol', { exact: true }).selectOption({ label: '2025-era session (initialize)' });
    await page.getByRole('button', { name: 'Test connection' }).click();
    const result = page.locator('.callout.ok');
    await result.getByText('Connected').waitFor();
    await result.getByText('test_image_content').waitFor();
    await result.getByText(/\(protocol 2025-/).waitFor();
    await b.screenshot('03-upstream-form-connection-test');
    await page.getByRole('button', { name: 'Save upstream' }).click();
    await page.getByRole('heading', { name: /fx-form/ }).waitFor();
    const list = await gw.api('GET', '/api/v1/upstreams?limit=200');
    const saved = list.body.items.find((u: { name: string }) => u.name === 'fx-form');
    expect(saved.headers).toEqual({ 'X-Api-Key': { hasValue: true } });
    expect(saved.protocol).toBe('legacy');
    expect(JSON.stringify(list.body)).not.toContain('header-secret-value');
    expect(await page.content()).not.toContain('header-secret-value');
  });

  it('builds a virtual server from tools of two upstreams', async () => {
    const { page } = b;
    await page.goto('/virtual-servers/new');
    await page.getByLabel('Name', { exact: true }).fill('dev');
    await page.getByLabel('Search tools').fill('echo');
    await page.getByLabel('everything: echo', { exact: true }).check();
    await page.getByLabel('Search tools').fill('image');
    await page.getByLabel('fx: test_image_content').check();
    await page.getByLabel('Exposed name of test_image_content').fill('fx_image');
    const exposed = page.locator('.exposed');
    await exposed.getByText('everything__echo').waitFor();
    await exposed.getByText('fx_image').waitFor();
    expect(await exposed.locator('li').count()).toBe(2);
    await b.screenshot('04-virtual-server-builder');
    await page.getByRole('button', { name: 'Create virtual server' }).click();
    await page.getByRole('heading', { name: 'Connect' }).waitFor();
    serverId = page.url().split('/').at(-1)!;
    const saved = await gw.api('GET', `/api/v1/virtual-servers/${serverId}`);
    const entries = saved.body.entries.map((e: { name: string; exposedName: string | null }) => [e.name, e.exposedName]);
    expect(entries.sort()).toEqual([
      ['echo', null],
      ['test_image_content', 'fx_image'],
    ]);
  });

  it("copies the server's Claude Code snippet", async () => {
    const { page } = b;
    const expected = `claude mcp add --transport http dev ${gw.url}/servers/${serverId}/mcp`;
    await page.getByRole('tab', { name: 'Claude Code' }).click();
    await page.getByText(expected).waitFor();
    await page.getByRole('button', { name: /Copy the Claude Code snippet/ }).click();
    await page.getByRole('button', { name: 'Copy the Claude Code snippet: Copied' }).waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(expected);
    await page.getByRole('tab', { name: 'VS Code' }).click();
    await page.getByText('.vscode/mcp.json').waitFor();
    await page.getByRole('tab', { name: 'Claude Code' }).click();
    await b.screenshot('05-connect-panel-claude-code');
  });

  it('creates a user with a restricted allowlist and previews their access', async () => {
    const { page } = b;
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByRole('button', { name: 'New user' }).click();
    const dialog = page.getByRole('dialog', { name: 'New user' });
    await dialog.getByLabel('Email').fill('alice@example.com');
    await dialog.getByLabel('Name').fill('Alice');
    await dialog.getByLabel('Password').fill('alice password 123');
    await dialog.getByRole('button', { name: 'Create user' }).click();
    await page.getByRole('heading', { name: 'alice@example.com' }).waitFor();
    await page.getByLabel('Pattern').fill('everything:echo');
    await page.getByRole('button', { name: 'Add rule' }).click();
    await page.locator('.allowlist table').first().getByText('everything:echo', { exact: true }).waitFor();
    const preview = page.getByLabel('Access preview');
    await preview.getByText('1 of 2 allowed').waitFor();
    const echo = rowWith(preview, 'everything__echo');
    expect(await echo.locator('.pill').textContent()).toBe('allowed');
    expect(await echo.textContent()).toContain('allow everything:echo');
    const image = rowWith(preview, 'fx_image');
    expect(await image.locator('.pill').textContent()).toBe('denied');
    expect(await image.textContent()).toContain("server's default");
    await b.screenshot('06-user-allowlist-and-access-preview');
  });

  it('runs tools in the playground as a person, under their access policy', async () => {
    const { page } = b;
    await page.getByRole('link', { name: 'Playground' }).click();
    // being an administrator grants no tool access: the page says so instead of listing tools
    await page.getByRole('status').getByText('You may use no tool of this virtual server').waitFor();
    await b.screenshot('07-playground-no-access');
    // an administrator may try someone's access: Alice may use everything:echo only
    await page.getByLabel('Run as').fill('alice');
    await page.getByRole('button', { name: /alice@example\.com/ }).click();
    await page.getByRole('button', { name: /everything__echo/ }).click();
    expect(await page.getByRole('button', { name: /fx_image/ }).count()).toBe(0);
    await page.getByLabel('message *').fill('hello from the console');
    await page.getByRole('button', { name: 'Run tool' }).click();
    // (exact: the raw JSON-RPC exchange below the result holds the same text inside its JSON)
    await page.getByLabel('Call result').getByText('Echo: hello from the console', { exact: true }).waitFor();
    await b.screenshot('07-playground-as-alice');
    // granted every tool, the administrator runs the image tool as themselves
    const grant = { subjectType: 'user', subjectId: adaId, effect: 'allow', kind: 'tool', pattern: '*' };
    expect((await gw.api('POST', '/api/v1/policies', grant)).status).toBe(201);
    await page.getByRole('button', { name: 'Back to yourself' }).click();
    await page.getByRole('button', { name: /fx_image/ }).click();
    await page.getByRole('button', { name: 'Run tool' }).click();
    const image = page.getByLabel('Call result').getByRole('img', { name: 'Tool result' });
    await image.waitFor();
    expect(await image.evaluate((img: { complete: boolean; naturalWidth: number }) => img.complete && img.naturalWidth > 0)).toBe(true);
    await b.screenshot('07-playground-image-result');
  });

  it('finds the playground call in the audit log, made as Alice by the administrator', async () => {
    const { page } = b;
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByLabel('Tool', { exact: true }).fill('everything__echo');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/tool=everything__echo/);
    const row = rowWith(page.locator('.audit-table'), 'everything__echo');
    await row.waitFor();
    expect(await row.textContent()).toContain('alice@example.com');
    expect(await row.locator('.pill').textContent()).toBe('ok');
    expect(await page.locator('.audit-table tbody tr').count()).toBe(1);
    const events = await gw.api('GET', '/api/v1/audit-events?tool=everything__echo');
    expect(events.body.items[0]).toMatchObject({ userEmail: 'alice@example.com', actor: ADMIN.email, clientId: 'switchboard-console' });
    await b.screenshot('08-audit-log-filtered');
  });

  it('revokes an OAuth client registered through DCR', async () => {
    const { page } = b;
    const registered = await fetch(`${gw.url}/oauth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_name: 'E2E Client', redirect_uris: ['http://127.0.0.1:9/callback'], token_endpoint_auth_method: 'none' }),
    });
    expect(registered.status).toBe(201);
    await page.getByRole('link', { name: 'OAuth clients' }).click();
    const row = rowWith(page.locator('table').first(), 'E2E Client');
    await row.waitFor();
    await row.getByRole('button', { name: 'Revoke E2E Client' }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke E2E Client?' });
    await dialog.getByText('Every token it holds stops working at once').waitFor();
    await dialog.getByRole('button', { name: 'Revoke client' }).click(); // waits until it is enabled
    await row.getByText('Revoked').waitFor();
    const clients = await gw.api('GET', '/api/v1/oauth-clients');
    expect(clients.body.items.find((c: { clientName: string }) => c.clientName === 'E2E Client').revokedAt).not.toBeNull();
    await b.screenshot('09-oauth-client-revoked');
  });

  it('signs out, after which the session cookie no longer works; the sign-in page offers identity providers', async () => {
    const { page } = b;
    const idp = await gw.api('POST', '/api/v1/identity-providers', {
      slug: 'corp',
      displayName: 'Corp SSO',
      issuer: 'https://idp.example.com',
      clientId: 'switchboard',
    });
    expect(idp.status).toBe(201);
    const [cookie] = (await b.context.cookies()).filter((c) => c.name === 'switchboard_console');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Switchboard' }).waitFor();
    expect(await page.getByRole('link', { name: 'Sign in with Corp SSO' }).getAttribute('href')).toBe('/console/login/corp');
    const res = await fetch(`${gw.url}/api/v1/session`, { headers: { cookie: `${cookie!.name}=${cookie!.value}` } });
    expect(((await res.json()) as { user: unknown }).user).toBeNull();
    await b.screenshot('10-signed-out-with-provider-list');
  });
});
