/**
 * Issue 15 in the browser: a person who is not an administrator signs in to the console and
 * finds their own area — My servers (what their access allows, with connect snippets), My
 * keys (mint a personal MCP key, shown once, that an SDK client then uses as them; revoke
 * it), My connections (her own secret for a per-user upstream, write-only, which then
 * reaches the upstream on her key's calls) — and none of the administration. Real
 * Chromium, a real gateway with the built console, the conformance fixture over Streamable
 * HTTP and an echo upstream that answers with the Authorization header it received. An
 * administrator mints a key for a person who never signs in (a CI bot) on its user page.
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { startHttpFixture, textOf } from '@switchboard/core/upstream/test-upstreams';
import { type EchoUpstream, startEchoUpstream } from '../../apps/gateway/src/testing/credential-upstreams.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cleanup, type E2eGateway, startE2eGateway } from '../support/gateway.ts';
import { checkEachTest, type ConsoleBrowser, openBrowser } from './browser.ts';
import { buildConsole } from './build-console.ts';

const CAROL = { email: 'carol@example.com', password: 'carols console password' };
const CAROL_SECRET = 'carol-github-token-4e1d';
const TEAM_ID = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';

describe('self-service console for a person who is not an administrator', () => {
  const cleanup = new Cleanup();
  let gw: E2eGateway;
  let b: ConsoleBrowser;
  let mintedKey = '';
  let echo: EchoUpstream;

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
    echo = await startEchoUpstream();
    cleanup.add(() => echo.stop());
    gw = await startE2eGateway({ SWITCHBOARD_CONSOLE_DIR: consoleDir });
    cleanup.add(() => gw.stop());
    await gw.importConfig({
      mcpServers: {
        fx: { type: 'streamable-http', url: fx.url },
        // each person's own token; the gateway lists the tools with a service credential
        gh: {
          type: 'http',
          url: echo.url,
          headers: { Authorization: 'Bearer ${user:GITHUB_TOKEN}' },
          credentials: { mode: 'per-user', serviceCredential: { GITHUB_TOKEN: 'service-token' } },
        },
      },
      virtualServers: {
        team: { id: TEAM_ID, upstreams: ['fx', 'gh'], auth: 'api-key', defaultAccess: 'deny' },
        hidden: { upstreams: ['fx'], auth: 'oauth', defaultAccess: 'deny' },
      },
      users: { [CAROL.email]: { name: 'Carol', password: CAROL.password, allowed_tools: ['fx:test_simple_text', 'gh:whoami'] } },
      policies: [{ subject: `user:${CAROL.email}`, virtualServer: 'hidden', effect: 'deny', pattern: '*' }],
    });
    for (const upstream of (await gw.api('GET', '/api/v1/upstreams')).body.items) {
      expect((await gw.api('POST', `/api/v1/upstreams/${upstream.id}/refresh`)).status).toBe(200);
    }
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
    const tools = team.getByRole('list', { name: 'Your tools on team' });
    await tools.getByText('fx__test_simple_text').waitFor();
    expect((await tools.getByRole('listitem').locator('code').allTextContents()).sort()).toEqual(['fx__test_simple_text', 'gh__whoami']);
    expect(await page.getByRole('region', { name: 'Virtual server hidden' }).count()).toBe(0);
    await team.getByRole('tab', { name: 'Claude Code' }).click();
    await team.getByText(`claude mcp add --transport http team ${gw.mcpUrl(TEAM_ID)}`).waitFor();
    await b.screenshot('15-my-servers');
    // the administration pages are not there for her (and the admin API refuses her: gateway tests)
    await page.goto('/users');
    await page.getByText('No such page.').waitFor();
  });

  it('mints a personal MCP key (shown once, copied) that an SDK client uses as Carol: her tools only, her missing connection named', async () => {
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
    expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual(['fx__test_simple_text', 'gh__whoami']);
    const result = await client.callTool({ name: 'fx__test_simple_text', arguments: {} });
    expect(result.isError).toBeFalsy();
    // her own credential is not connected yet: the answer sends her to My connections
    const missing = await client.callTool({ name: 'gh__whoami', arguments: {} });
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toContain(`Open ${gw.url}/connections/gh to connect`);
    await client.close();
  });

  it('sets her own secret in My connections (write-only); her key’s calls then reach the upstream with it', async () => {
    const { page } = b;
    // the link a client was given opens the connection it is about
    await page.goto('/connections/gh');
    await page.getByRole('heading', { name: 'My connections' }).waitFor();
    const gh = page.getByRole('region', { name: 'Connection to gh' });
    await gh.getByText('Not connected', { exact: true }).waitFor();
    await b.screenshot('15-my-connections-not-connected');
    await gh.getByLabel('GITHUB_TOKEN').fill(CAROL_SECRET);
    await gh.getByRole('button', { name: 'Save values' }).click();
    await gh.getByText('Connected', { exact: true }).waitFor();
    await gh.getByText(/^Set\. Enter a new value/).waitFor();
    expect(await gh.getByLabel('GITHUB_TOKEN').inputValue()).toBe('');
    expect(await page.content()).not.toContain(CAROL_SECRET);
    await b.screenshot('15-my-connections-connected');

    const client = await connectWith(mintedKey);
    const result = await client.callTool({ name: 'gh__whoami', arguments: {} });
    expect(textOf(result)).toBe(`Bearer ${CAROL_SECRET}`);
    await client.close();
  });

  it('revokes the key in My keys: the client is refused from its next request', async () => {
    const { page } = b;
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'My keys' }).click();
    const row = page.locator('table tr', { hasText: 'laptop' });
    await row.getByRole('button', { name: 'Revoke key laptop' }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke key laptop?' });
    await dialog.getByRole('button', { name: 'Revoke key' }).click();
    await row.getByText('Revoked').waitFor();
    await expect(connectWith(mintedKey)).rejects.toThrow(/401|API key/);
    await b.screenshot('15-my-keys-revoked');
  });

  it("shows an administrator Carol's connection status on her user page (never the value), and lets them revoke it", async () => {
    const { page } = b;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Switchboard' }).waitFor();
    expect((await gw.api('POST', '/api/v1/users', { email: 'root@example.com', password: 'root console password', isAdmin: true })).status).toBe(201);
    await page.getByLabel('Email').fill('root@example.com');
    await page.getByLabel('Password').fill('root console password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    // an administrator gets the administration too, and their own area after it
    const nav = page.getByRole('navigation', { name: 'Console' });
    await nav.getByRole('link', { name: 'Dashboard' }).waitFor();
    expect((await nav.getByRole('link').allTextContents()).slice(-3)).toEqual(['My servers', 'My connections', 'My keys']);
    const carol = (await gw.api('GET', `/api/v1/users?q=${encodeURIComponent(CAROL.email)}`)).body.items[0];
    await page.goto(`/users/${carol.id}`);
    const panel = page.locator('section.panel', { has: page.getByRole('heading', { name: 'Connections', exact: true }) });
    const row = panel.locator('tr', { hasText: 'gh' });
    await row.getByText('Connected', { exact: true }).waitFor();
    await row.getByText('GITHUB_TOKEN: set').waitFor();
    expect(await page.content()).not.toContain(CAROL_SECRET);
    await b.screenshot('15-admin-user-connections');
    await row.getByRole('button', { name: 'Revoke connection to gh' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke connection' }).click();
    await row.getByText('Not connected', { exact: true }).waitFor();
  });

  it('lets an administrator mint a key for a CI bot on its user page: it calls as the bot, and is revoked there', async () => {
    const { page } = b;
    await gw.importConfig({ users: { 'ci-bot@example.com': { name: 'CI bot', allowed_tools: ['fx:test_simple_text'] } } });
    const bot = (await gw.api('GET', '/api/v1/users?q=ci-bot')).body.items[0];
    await page.goto(`/users/${bot.id}`);
    await page.getByRole('heading', { name: 'ci-bot@example.com', exact: true }).waitFor();
    await page.getByLabel('Key name').fill('nightly');
    await page.getByRole('checkbox', { name: 'Only team' }).check();
    await page.getByRole('button', { name: 'Mint key' }).click();
    const created = page.getByRole('status').filter({ hasText: 'Key “nightly” minted.' });
    await created.waitFor();
    const key = (await created.locator('pre code').textContent()) ?? '';
    expect(key).toMatch(/^sb_/);
    const keys = page.locator('section.panel', { has: page.getByRole('heading', { name: 'MCP keys' }) });
    const row = keys.locator('tr', { hasText: 'nightly' });
    await row.getByText('team').waitFor();
    await b.screenshot('15-admin-mints-bot-key');

    const client = await connectWith(key);
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['fx__test_simple_text']);
    await client.close();
    // the trail says who minted it, never its value
    const trail = (await gw.api('GET', `/api/v1/admin-events?objectId=${bot.id}`)).body.items;
    expect(trail[0]).toMatchObject({ action: 'mcp-keys', actor: { kind: 'person', name: 'root@example.com' } });
    expect(JSON.stringify(trail)).not.toContain(key);

    await row.getByRole('button', { name: 'Revoke key nightly' }).click();
    await page.getByRole('dialog', { name: 'Revoke key nightly?' }).getByRole('button', { name: 'Revoke key' }).click();
    await row.getByText('Revoked').waitFor();
    await expect(connectWith(key)).rejects.toThrow(/401|API key/);
  });
});
