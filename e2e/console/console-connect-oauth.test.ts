/**
 * Issue 15, the browser half of per-person upstream OAuth: a person who is not an
 * administrator opens My connections in Chromium, clicks Connect, signs in and consents at
 * the upstream's authorization server (`oidc-provider`, a real AS), comes back connected,
 * and a client using her personal MCP key then reaches the OAuth-protected upstream as her
 * (the upstream verifies the token and says whose it is). Disconnect ends it.
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { textOf, waitFor } from '@switchboard/core/upstream/test-upstreams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cleanup, type E2eGateway, startE2eGateway } from '../support/gateway.ts';
import { type ProtectedMcpServer, type RunningAuthorizationServer, startAuthorizationServer, startProtectedMcpServer } from '../support/oauth-upstream.ts';
import { checkEachTest, type ConsoleBrowser, openBrowser } from './browser.ts';
import { buildConsole } from './build-console.ts';

const DANA = { email: 'dana@example.com', password: 'danas console password' };
const TEAM_ID = '4c3b2a19-0f8e-4d7c-9b6a-5e4d3c2b1a09';

describe('connecting an OAuth upstream from My connections, in Chromium', () => {
  const cleanup = new Cleanup();
  let gw: E2eGateway;
  let as: RunningAuthorizationServer;
  let upstream: ProtectedMcpServer;
  let b: ConsoleBrowser;

  beforeAll(async () => {
    const consoleDir = await buildConsole();
    gw = await startE2eGateway({ SWITCHBOARD_CONSOLE_DIR: consoleDir });
    cleanup.add(() => gw.stop());
    as = await startAuthorizationServer({ accessTokenTtl: 600 });
    cleanup.add(() => as.stop());
    upstream = await startProtectedMcpServer({ trustedIssuer: as.issuer });
    cleanup.add(() => upstream.stop());
    await gw.importConfig({
      mcpServers: { secure: { type: 'http', url: upstream.url, credentials: { mode: 'oauth', authorizationServer: as.issuer } } },
      virtualServers: { team: { id: TEAM_ID, upstreams: ['secure'], auth: 'api-key', defaultAccess: 'allow' } },
      users: { [DANA.email]: { name: 'Dana', password: DANA.password } },
    });
    // the AS's own pages are not ours: only errors on the gateway's pages count
    b = await openBrowser(gw.url, { errorOrigins: [gw.url] });
    cleanup.add(() => b.close());
  }, 180_000);
  afterAll(() => cleanup.run());
  checkEachTest(() => b, 'failed-15-oauth');

  it('Dana connects through the browser; her key then reaches the upstream as her; Disconnect ends it', async () => {
    const { page } = b;
    await page.goto('/');
    await page.getByLabel('Email').fill(DANA.email);
    await page.getByLabel('Password').fill(DANA.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'My connections' }).click();
    const secure = page.getByRole('region', { name: 'Connection to secure' });
    await secure.getByText('Not connected', { exact: true }).waitFor();
    await b.screenshot('15-my-connections-oauth-not-connected');

    await secure.getByRole('button', { name: 'Connect secure' }).click();
    await page.waitForURL((url) => url.href.startsWith(as.issuer));
    await page.locator('input[name="login"]').fill('dana');
    await page.locator('input[name="password"]').fill('any');
    await page.locator('button[type="submit"]').click();
    const confirm = page.locator('button[type="submit"]');
    await confirm.waitFor();
    if (page.url().startsWith(as.issuer)) await confirm.click();
    await page.waitForURL((url) => url.href.startsWith(gw.url));
    await page.getByText('Connected').first().waitFor();

    await page.goto('/connections/secure');
    await secure.getByText('Connected', { exact: true }).waitFor();
    await b.screenshot('15-my-connections-oauth-connected');

    // a personal key, minted in the console, acts as Dana on the api-key server: the upstream sees her
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'My keys' }).click();
    await page.getByLabel('Key name').fill('agent');
    await page.getByRole('button', { name: 'Mint key' }).click();
    const key = (await page.getByRole('status').filter({ hasText: 'minted' }).locator('pre code').textContent()) ?? '';
    const client = new Client({ name: 'oauth-console-e2e', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(gw.mcpUrl(TEAM_ID)), { requestInit: { headers: { authorization: `Bearer ${key}` } } }));
    let answer = '';
    await waitFor(async () => {
      const result = await client.callTool({ name: 'secure__whoami', arguments: {} }).catch(() => undefined);
      answer = result && !result.isError ? textOf(result) : '';
      return answer !== '';
    }, 'the upstream tool to answer', 30_000);
    expect(answer).toBe('dana');

    await page.goto('/connections/secure');
    await secure.getByRole('button', { name: 'Disconnect secure' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Disconnect' }).click();
    await secure.getByText('Not connected', { exact: true }).waitFor();
    const after = await client.callTool({ name: 'secure__whoami', arguments: {} }).then(
      (r) => textOf(r),
      (e: Error) => e.message,
    );
    expect(after).toContain(`${gw.url}/connections/secure`);
    await client.close();
  });
});
