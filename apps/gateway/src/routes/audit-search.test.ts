import { mcpKeyFor } from '../testing/mcp-keys.ts';
import { auditEvents, oauthClients } from '@switchboard/db/schema';
import { backends } from '@switchboard/db/testing/test-database';
import { fixtureStdio, waitFor } from '@switchboard/core/upstream/test-upstreams';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../services/api-tokens.ts';
import { createTestGateway, json, type TestGateway } from '../testing/test-gateway.ts';

const VS = '00000000-0000-4000-8000-0000000000c1';
const fixture = fixtureStdio();

/** Issue 18 #6: the audit log searched by client name (not raw ids) and by part of a tool name. */
describe.each(backends)('audit search by client and tool on %s', (backend) => {
  let gw: TestGateway;
  let keyId = '';

  beforeAll(async () => {
    gw = await createTestGateway(backend);
    const [desktop] = await gw.ctx.db
      .insert(oauthClients)
      .values({ clientId: 'dcr-7f3a', clientName: 'Claude Desktop', kind: 'dcr', redirectUris: ['http://127.0.0.1/cb'] })
      .returning();
    keyId = (await createApiToken(gw.ctx, { name: 'ci-bot', scopes: ['admin:read'] })).id;
    const base = { kind: 'tool' as const, durationMs: 7, virtualServerId: VS, outcome: 'ok' as const, occurredAt: new Date() };
    await gw.ctx.db.insert(auditEvents).values([
      { ...base, clientId: desktop!.clientId, exposedName: 'docs__search_pages' },
      { ...base, clientId: `api-token:${keyId}`, exposedName: 'docs__deploy' },
      { ...base, clientId: 'switchboard-console', exposedName: 'fx__Search' },
      { ...base, clientId: 'gone-client', exposedName: 'fx__echo' },
    ]);
  });
  afterAll(() => gw.close());

  const list = async (query: string) => json(gw.api('GET', `/api/v1/audit-events?${query}`));
  const names = (page: { items: Array<{ exposedName: string }> }) => page.items.map((e) => e.exposedName);

  it('names each event its client: OAuth client name, API key name, the playground', async () => {
    const { items } = await list('');
    const byTool = Object.fromEntries(items.map((e: { exposedName: string; clientName: string | null }) => [e.exposedName, e.clientName]));
    expect(byTool).toEqual({
      docs__search_pages: 'Claude Desktop',
      docs__deploy: 'API key ci-bot',
      fx__Search: 'Console playground',
      fx__echo: null, // a client that no longer exists keeps its id only
    });
  });

  it('searches by part of the client name, case-insensitively, or by its id', async () => {
    expect(names(await list('client=claude'))).toEqual(['docs__search_pages']);
    expect(names(await list('client=CI-B'))).toEqual(['docs__deploy']);
    expect(names(await list('client=playground'))).toEqual(['fx__Search']);
    expect(names(await list('client=gone'))).toEqual(['fx__echo']);
    expect(names(await list('client=%25'))).toEqual([]); // LIKE wildcards are literal
    expect((await list('client=nobody')).items).toEqual([]);
  });

  it('searches by part of the tool name, case-insensitively', async () => {
    expect(names(await list('tool=search'))).toEqual(['fx__Search', 'docs__search_pages']);
    expect(names(await list('tool=docs__&client=desktop'))).toEqual(['docs__search_pages']);
    expect(names(await list('tool=_'))).toHaveLength(4);
    expect(names(await list('tool=%5F%5Fd'))).toEqual(['docs__deploy']);
  });

  it('records an API-key caller by its key, so its calls are found by the key name', async () => {
    const created = await gw.api('POST', '/api/v1/import', {
      mcpServers: { fx: { command: fixture.command, args: fixture.args, cwd: fixture.cwd } },
      virtualServers: { keyed: { upstreams: ['fx'], auth: 'api-key', defaultAccess: 'allow' } },
      users: { 'sync@example.com': {} },
    });
    expect(created.status).toBe(200);
    const server = (await json(gw.api('GET', '/api/v1/virtual-servers?q=keyed'))).items[0];
    const user = (await json(gw.api('GET', '/api/v1/users?q=sync'))).items[0];
    // a personal MCP key (admin tokens are refused on MCP endpoints); applied as the /me route applies it
    const minted = await mcpKeyFor(gw, user.email, { name: 'nightly-sync' });
    const client = new Client({ name: 'audit-search', version: '1' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`http://localhost/servers/${server.id}/mcp`), {
        fetch: (url, init) => gw.fetch(String(url), init as RequestInit),
        requestInit: { headers: { authorization: `Bearer ${minted.token}` } },
      }),
    );
    // (the stdio fixture may take longer to start than a request waits on this busy machine)
    await waitFor(async () => (await client.listTools()).tools.some((t) => t.name === 'fx__test_simple_text'), 'the fixture listed');
    await client.callTool({ name: 'fx__test_simple_text', arguments: {} });
    await client.close();
    await gw.audit.flush();
    const found = await list('client=nightly');
    expect(found.items).toMatchObject([{ exposedName: 'fx__test_simple_text', clientName: 'API key nightly-sync', clientId: `api-token:${minted.id}` }]);
  });
});
