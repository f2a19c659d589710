/**
 * Issue 15 in the browser: a person who is not an administrator signs in to the console and
 * finds their own area — My servers (what their access allows, with connect snippets), My
 * keys (mint a personal MCP key, shown once, that an SDK client then uses as them; revoke
 * it) and My connections — and none of the administration. Real Chromium, a real gateway
 * with the built console, the conformance fixture over Streamable HTTP as upstream.
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { startHttpFixture } from '@switchboard/core/upstream/test-upstreams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cleanup, type E2eGateway, startE2eGateway } from '../support/gateway.ts';
import { checkEachTest, type ConsoleBrowser, openBrowser } from './browser.ts';
import { buildConsole } from './build-console.ts';

const CAROL = { email: 'carol@example.com', password: 'carols console password' };
const TEAM_ID = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';

describe('self-service console for a person who is not an administrator', () => {
  const cleanup = new Cleanup();
  let gw: E2eGateway;
  let b: ConsoleBrowser;
  let mintedKey = '';

  /** An SDK client on the team server with `key` as its bearer. */
  async function connectWith(key: string) {
    const client = new Client({ name: 'self-service-e2e', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(gw.mcpUrl(TEAM_ID)), { requestInit: { headers: { authorization: `Bearer ${key}` } } }));
    return client;
  }

  beforeAll(async () => {
    const consoleDir = await buildConsole();
    const fx = await startHttpFixture();
    cleanup.add(() => fx.stop());
    gw = await startE2eGateway({ SWITCHBOARD_CONSOLE_DIR: consoleDir });
    cleanup.add(() => gw.stop());
    await gw.importConfig({
      mcpServers: { fx: { type: 'streamable-http', url: fx.url } },
      virtualServers: {
        team: { id: TEAM_ID, upstreams: ['fx'], auth: 'api-key', defaultAccess: 'deny' },
        hidden: { upstreams: ['fx'], auth: 'oauth', defaultAccess: 'deny' },
      },
      users: { [CAROL.email]: { name: 'Carol', password: CAROL.password, allowed_tools: ['fx:test_simple_text'] } },
      policies: [{ subject: `user:${CAROL.email}`, virtualServer: 'hidden', effect: 'deny', pattern: '*' }],
    });
    const upstream = (await gw.api('GET', '/api/v1/upstreams')).body.items[0];
    expect((await gw.api('POST', `/api/v1/upstreams/${upstream.id}/refresh`)).status).toBe(200);
    b = await openBrowser(gw.url);
    cleanup.add(() => b.close());
  });
  afterAll(() => cleanup.run());
  checkEachTest(() => b, 'failed-15');

  it('signs Carol in to My servers: the servers and tools her access allows, with connect snippets, and no administration', async () => {
    const { page } = b;
    await page.goto('/');
    await page.getByLabel('Email').fill(CAROL.email);
    await page.getByLabel('Password').fill(CAROL.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'My servers' }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Console' });
    expect(await nav.getByRole('link').allTextContents()).toEqual(['My servers', 'My connections', 'My keys']);
    const team = page.getByRole('region', { name: 'Virtual server team' });
    await team.getByRole('list', { name: 'Your tools on team' }).getByText('fx__test_simple_text').waitFor();
    expect(await team.getByRole('list', { name: 'Your tools on team' }).getByRole('listitem').count()).toBe(1);
    expect(await page.getByRole('region', { name: 'Virtual server hidden' }).count()).toBe(0);
    await team.getByRole('tab', { name: 'Claude Code' }).click();
    await team.getByText(`claude mcp add --transport http team ${gw.mcpUrl(TEAM_ID)}`).waitFor();
    await b.screenshot('15-my-servers');
    // the administration pages are not there for her (and the admin API refuses her: gateway tests)
    await page.goto('/users');
    await page.getByText('No such page.').waitFor();
  });

  it('mints a personal MCP key (shown once, copied) that an SDK client uses as Carol; revoking it stops the client', async () => {
    const { page } = b;
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'My keys' }).click();
    await page.getByRole('heading', { name: 'My keys' }).waitFor();
    await page.getByLabel('Key name').fill('laptop');
    await page.getByRole('checkbox', { name: 'Only team' }).check();
    await page.getByRole('button', { name: 'Mint key' }).click();
    const created = page.getByRole('status').filter({ hasText: 'Key “laptop” minted.' });
    await created.waitFor();
    mintedKey = (await created.locator('pre code').textContent()) ?? '';
    expect(mintedKey).toMatch(/^sb_/);
    await created.getByRole('button', { name: /Copy the new key/ }).click();
    await created.getByRole('button', { name: 'Copy the new key: Copied' }).waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(mintedKey);
    const row = page.locator('table tr', { hasText: 'laptop' });
    await row.getByText('team').waitFor();
    await b.screenshot('15-my-keys-minted');
    await created.getByRole('button', { name: 'I have copied it' }).click();
    expect(await page.getByText(mintedKey).count()).toBe(0);

    const client = await connectWith(mintedKey);
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['fx__test_simple_text']);
    const result = await client.callTool({ name: 'fx__test_simple_text', arguments: {} });
    expect(result.isError).toBeFalsy();
    await client.close();

    await row.getByRole('button', { name: 'Revoke key laptop' }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke key laptop?' });
    await dialog.getByRole('button', { name: 'Revoke key' }).click();
    await row.getByText('Revoked').waitFor();
    await expect(connectWith(mintedKey)).rejects.toThrow(/401|API key/);
    await b.screenshot('15-my-keys-revoked');
  });

  it('shows My connections', async () => {
    const { page } = b;
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'My connections' }).click();
    await page.getByRole('heading', { name: 'My connections' }).waitFor();
    await page.getByText('None of the servers you use needs a credential of yours.').waitFor();
    await b.screenshot('15-my-connections-none');
  });
});
