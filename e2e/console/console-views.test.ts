/**
 * Issue 18 in a real Chromium against a real gateway: views that tell the truth — an
 * exported document re-imported with its secrets' variables unset (#4), the access preview
 * with upstreams not connected yet (#5), the audit log searched by client and tool with the
 * error said inline (#6). Each test saves a screenshot named after its point of the issue.
 */
import { readFile } from 'node:fs/promises';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { fixtureStdio, type Served, startHttpFixture, startRecordingProxy } from '@switchboard/core/upstream/test-upstreams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, Cleanup, type E2eGateway, freePort, startE2eGateway } from '../support/gateway.ts';
import { checkEachTest, type ConsoleBrowser, openBrowser } from './browser.ts';
import { buildConsole } from './build-console.ts';

const fixture = fixtureStdio();

describe('console views (issue 18) in Chromium', () => {
  const cleanup = new Cleanup();
  let gw: E2eGateway;
  let b: ConsoleBrowser;
  let fx: Served;

  beforeAll(async () => {
    const consoleDir = await buildConsole();
    fx = await startHttpFixture();
    cleanup.add(() => fx.stop());
    // (#10 registers 55 clients through DCR at once)
    gw = await startE2eGateway({ SWITCHBOARD_CONSOLE_DIR: consoleDir, SWITCHBOARD_DCR_RATE_LIMIT: '200' });
    cleanup.add(() => gw.stop());
    b = await openBrowser(gw.url);
    cleanup.add(() => b.close());
    const { page } = b;
    await page.goto('/');
    await page.getByRole('button', { name: 'Use an admin API token instead' }).click();
    await page.getByLabel('Admin API token').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in with token' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  });
  afterAll(() => cleanup.run());
  checkEachTest(() => b);

  it('#4 re-imports its own export with the secret variables unset: the stored secrets are kept, and it says so', async () => {
    const { page } = b;
    // What the gateway sends the upstream is the proof that the secret survived.
    const proxy = await startRecordingProxy(fx.url);
    cleanup.add(() => proxy.stop());
    const created = await gw.api('POST', '/api/v1/upstreams', {
      name: 'docs',
      transport: 'streamable-http',
      url: proxy.url,
      headers: { Authorization: 'Bearer docs-secret-value' },
    });
    expect(created.status).toBe(201);

    await page.getByRole('link', { name: 'Settings' }).click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download switchboard.json' }).click()]);
    const exported = await readFile((await download.path())!, 'utf8');
    expect(JSON.parse(exported).mcpServers.docs.headers).toEqual({ Authorization: '${DOCS_AUTHORIZATION}' });

    await page.locator('#config-import').fill(exported);
    await page.getByRole('button', { name: 'Preview changes' }).click();
    const kept = page.getByLabel('Import preview').getByRole('region', { name: 'Secrets kept' });
    await kept.waitFor();
    expect((await kept.locator('li').allInnerTexts()).map((t) => t.replace(/\s+/g, ' '))).toEqual([
      'docs headers.Authorization (${DOCS_AUTHORIZATION} not set)',
    ]);
    await b.screenshot('issue18-04-reimport-keeps-stored-secrets');
    await page.getByRole('button', { name: 'Apply these changes' }).click();
    await page.getByRole('status').getByText('Applied.').waitFor();
    await page.getByRole('status').getByRole('region', { name: 'Secrets kept' }).waitFor();
    proxy.seen.length = 0;
    expect((await gw.api('POST', `/api/v1/upstreams/${created.body.id}/restart`)).status).toBe(200);
    expect(proxy.seen.length).toBeGreaterThan(0);
    expect(new Set(proxy.seen.map((r) => r.headers.authorization))).toEqual(new Set(['Bearer docs-secret-value']));
  });

  it('#5 the access preview connects lazy upstreams first and marks the one it could not list', async () => {
    const { page } = b;
    const downUrl = `http://127.0.0.1:${await freePort()}/mcp`;
    await gw.importConfig({
      // Connect-on-use (the default) for both: neither has been connected or listed yet.
      mcpServers: { lazy: { command: fixture.command, args: fixture.args, cwd: fixture.cwd }, down: { type: 'http', url: downUrl } },
      virtualServers: { mixed: { upstreams: ['lazy', 'down'], defaultAccess: 'deny' } },
      users: { 'alice@example.com': { allowed_tools: ['lazy:test_simple_*'] } },
    });
    const server = (await gw.api('GET', '/api/v1/virtual-servers?q=mixed')).body.items[0];
    await page.goto(`/access?server=${server.id}&user=alice%40example.com`);
    const preview = page.getByRole('region', { name: 'Access preview' });
    await preview.waitFor();
    // A first start of the stdio fixture can outlast the gateway's wait: the page asks again until it is listed.
    await preview.getByRole('row', { name: /lazy__test_simple_text/ }).getByText('allowed').waitFor({ timeout: 60_000 });
    expect(await preview.getByRole('status', { name: 'Connecting upstreams' }).count()).toBe(0);
    const summary = (await preview.locator('.summary').textContent()) ?? '';
    // The lazy upstream's tools are counted (it was connected to answer); the dead one is marked.
    const [, allowed, total] = summary.match(/(\d+) of (\d+) allowed/)!;
    expect(Number(allowed)).toBeGreaterThan(0);
    expect(Number(total)).toBeGreaterThan(Number(allowed));
    expect(summary).toContain('+ 1 upstream not counted');
    const unknown = preview.getByRole('note', { name: 'Unknown upstreams' });
    await unknown.getByText(/^Not counted: 1 upstream could not be listed/).waitFor();
    expect(await unknown.locator('li').textContent()).toMatch(/^down: .*ECONNREFUSED/);
    await b.screenshot('issue18-05-access-preview-unknown-upstream');
  });

  it('#6 the audit log is searched by client name and part of a tool name, the error said in the row', async () => {
    const { page } = b;
    await gw.importConfig({
      mcpServers: { fx: { type: 'http', url: fx.url } },
      virtualServers: { audited: { upstreams: ['fx'], auth: 'api-key', defaultAccess: 'allow', auditPayloads: true } },
    });
    const server = (await gw.api('GET', '/api/v1/virtual-servers?q=audited')).body.items[0];
    // One call from the console playground (a tool that fails), one from a client with an API key.
    const failed = await gw.api('POST', `/api/v1/virtual-servers/${server.id}/playground/tools/call`, { name: 'fx__test_error_handling' });
    expect(failed.status).toBe(200);
    // the CI bot is a person without a password; an administrator mints its MCP key
    const bot = await gw.api('POST', '/api/v1/users', { email: 'ci-bot@example.com' });
    expect(bot.status).toBe(201);
    const key = await gw.api('POST', `/api/v1/users/${bot.body.id}/mcp-keys`, { name: 'ci-bot' });
    expect(key.status).toBe(201);
    const client = new Client({ name: 'ci', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(gw.mcpUrl(server.id)), { requestInit: { headers: { authorization: `Bearer ${key.body.token}` } } }));
    expect((await client.callTool({ name: 'fx__test_simple_text', arguments: {} })).isError).toBeFalsy();
    await client.close();
    // audit events are written in batches: both are stored before the page asks
    await expect
      .poll(async () => (await gw.api('GET', `/api/v1/audit-events?virtualServer=${server.id}`)).body.items.length, { timeout: 15_000 })
      .toBeGreaterThanOrEqual(2);

    await page.getByRole('navigation').getByRole('link', { name: 'Audit log' }).click();
    await page.getByLabel('Client').fill('ci-b');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/client=ci-b/);
    const rows = page.locator('.audit-table tbody tr');
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(1);
    expect(await rows.first().textContent()).toContain('API key ci-bot');

    await page.getByLabel('Client').fill('playground');
    await page.getByLabel('Tool', { exact: true }).fill('ERROR_hand');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/tool=ERROR_hand/);
    await expect.poll(() => rows.allInnerTexts(), { timeout: 15_000 }).toEqual([expect.stringContaining('fx__test_error_handling')]);
    const row = rows.first();
    expect(await row.textContent()).toContain('Console playground');
    await row.locator('.error-detail').getByText('This tool intentionally returns an error for testing').waitFor();
    expect(await row.getByText(/^\d+(\.\d)? m?s$/).count()).toBe(1); // the duration, beside the outcome
    await b.screenshot('issue18-06-audit-search-client-tool-error-detail');
  });

  it('#10 a role’s rules and the OAuth clients page with the cursor, searched on the server', async () => {
    const { page } = b;
    // 55 rules for one role, 55 clients registered through Dynamic Client Registration: more than a page of each.
    const role = await gw.api('POST', '/api/v1/roles', { name: 'many-rules' });
    for (let i = 0; i < 55; i++) {
      const pattern = `tool-${String(i).padStart(2, '0')}:*`;
      const created = await gw.api('POST', '/api/v1/policies', { subjectType: 'role', subjectId: role.body.id, effect: 'allow', kind: 'tool', pattern });
      expect(created.status).toBe(201);
    }
    for (let i = 0; i < 55; i++) {
      const res = await fetch(`${gw.url}/oauth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client_name: `Agent ${String(i).padStart(2, '0')}`, redirect_uris: ['http://127.0.0.1:7777/callback'], token_endpoint_auth_method: 'none' }),
      });
      expect(res.status).toBe(201);
    }

    await page.getByRole('link', { name: 'Roles' }).click();
    await page.getByRole('button', { name: '▸ many-rules' }).click();
    const pager = page.getByRole('navigation', { name: 'Pages of rules of role many-rules' });
    await pager.getByText('Page 1').waitFor();
    // (the rule rows, not the examples of the pattern help below them)
    const rules = page.locator('.allowlist tbody tr', { has: page.getByRole('button', { name: /^Remove rule / }) });
    expect(await rules.count()).toBe(50);
    const firstPage = await rules.allTextContents();
    await pager.getByRole('button', { name: 'Next →' }).click();
    await pager.getByText('Page 2').waitFor();
    await expect.poll(() => rules.count()).toBe(5);
    expect((await rules.allTextContents()).some((r) => firstPage.includes(r))).toBe(false);
    await pager.getByRole('button', { name: '← Previous' }).click();
    await expect.poll(() => rules.allTextContents()).toEqual(firstPage); // a stable order
    await page.getByLabel('Search rules of role many-rules').fill('tool-54');
    await expect.poll(() => rules.allTextContents()).toEqual([expect.stringContaining('tool-54:*')]);
    await b.screenshot('issue18-10-role-rules-paged-and-searched');

    await page.getByRole('link', { name: 'OAuth clients' }).click();
    const panel = (title: string) => page.locator('.panel', { has: page.getByRole('heading', { name: title }) });
    const clients = panel('Registered clients').locator('table tbody tr');
    const clientPager = page.getByRole('navigation', { name: 'Pages of OAuth clients' });
    await clientPager.getByText('Page 1').waitFor();
    expect(await clients.count()).toBe(50);
    await clientPager.getByRole('button', { name: 'Next →' }).click();
    await clientPager.getByText('Page 2').waitFor();
    await page.getByLabel('Search clients').fill('agent 54');
    await page.getByRole('heading', { name: 'Clients matching “agent 54”' }).waitFor();
    const matches = panel('Clients matching “agent 54”').locator('table tbody tr');
    await expect.poll(() => matches.allTextContents()).toEqual([expect.stringContaining('Agent 54')]);
    await b.screenshot('issue18-10-oauth-clients-searched');
  });
});
