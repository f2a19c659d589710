import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { fixtureStdio } from '@switchboard/core/upstream/test-upstreams';
import { backends } from '@switchboard/db/testing/test-database';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixtureGateway, createTestGateway, json, type TestGateway } from '../testing/test-gateway.ts';
import { mcpKeyFor } from '../testing/mcp-keys.ts';

const fixture = fixtureStdio();
const SERVER_ID = '3f1c2b9a-6d4e-4f8a-9b7c-2e5d1a0c8f31';

/** An SDK client talking to the in-process app (no socket), as a real client would over HTTP. */
async function connect(gw: TestGateway, id = SERVER_ID, mode: 'legacy' | 'auto' = 'legacy', token?: string) {
  const client = new Client({ name: 'test', version: '1' }, { versionNegotiation: { mode } });
  const transport = new StreamableHTTPClientTransport(new URL(`http://localhost/servers/${id}/mcp`), {
    fetch: (url, init) => gw.fetch(String(url), init as RequestInit),
    requestInit: token ? { headers: { authorization: `Bearer ${token}` } } : undefined,
  });
  await client.connect(transport);
  return client;
}

describe.each(backends)('federation on %s', (backend) => {
  let gw: TestGateway;
  let upstreamId: string;
  beforeAll(async () => {
    gw = await createFixtureGateway(backend, SERVER_ID);
    upstreamId = (await json(gw.api('GET', '/api/v1/upstreams'))).items[0].id;
  });
  afterAll(() => gw.close());

  it('lists and calls an upstream tool through the virtual server, in both protocol eras', async () => {
    for (const mode of ['legacy', 'auto'] as const) {
      const client = await connect(gw, SERVER_ID, mode);
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toContain('fx__test_simple_text');
      const result = await client.callTool({ name: 'fx__test_simple_text', arguments: {} });
      expect(result.content).toEqual([{ type: 'text', text: 'This is a simple text response for testing.' }]);
      await expect(client.callTool({ name: 'fx__nope', arguments: {} })).rejects.toThrow(/Unknown tool: fx__nope/);
      await client.close();
    }
  });

  it('stores the catalog and reports the connection status', async () => {
    const refreshed = await gw.api('POST', `/api/v1/upstreams/${upstreamId}/refresh`);
    expect(refreshed.status).toBe(200);
    const catalog = await json(gw.api('GET', `/api/v1/upstreams/${upstreamId}/catalog`));
    expect(catalog.tools.map((t: { name: string }) => t.name)).toContain('test_simple_text');
    const upstream = await json(gw.api('GET', `/api/v1/upstreams/${upstreamId}`));
    expect(upstream.status).toMatchObject({ state: 'connected', lastError: null });
    expect(upstream.status.tools).toBe(catalog.tools.length);
  });

  it('restarts an upstream on request, and can test a definition before it is saved', async () => {
    const restarted = await json(gw.api('POST', `/api/v1/upstreams/${upstreamId}/restart`));
    expect(restarted.state).toBe('connected');
    const client = await connect(gw);
    expect((await client.callTool({ name: 'fx__test_simple_text', arguments: {} })).isError).toBeFalsy();
    await client.close();

    const good = await json(
      gw.api('POST', '/api/v1/upstreams/test', { name: 'candidate', transport: 'stdio', command: fixture.command, args: fixture.args, cwd: fixture.cwd }),
    );
    expect(good).toMatchObject({ ok: true, error: null, protocolVersion: '2026-07-28' });
    expect(good.tools).toContain('test_simple_text');
    const bad = await json(gw.api('POST', '/api/v1/upstreams/test', { name: 'broken', transport: 'stdio', command: '/nonexistent/mcp-server' }));
    expect(bad.ok).toBe(false);
    expect(bad.error).toMatch(/nonexistent|ENOENT/);
    // a test stores nothing
    const names = (await json(gw.api('GET', '/api/v1/upstreams?limit=200'))).items.map((u: { name: string }) => u.name);
    expect(names).not.toContain('candidate');
  });

  it('rejects exposing two tools under one name at save time, naming both sources', async () => {
    await json(gw.api('POST', '/api/v1/upstreams', { name: 'fx2', transport: 'stdio', command: fixture.command, args: fixture.args, cwd: fixture.cwd }));
    const fx2 = (await json(gw.api('GET', '/api/v1/upstreams?limit=200'))).items.find((u: { name: string }) => u.name === 'fx2');
    expect((await gw.api('POST', `/api/v1/upstreams/${fx2.id}/refresh`)).status).toBe(200);
    const clash = await gw.api('POST', '/api/v1/virtual-servers', {
      name: 'clash',
      prefixMode: 'never',
      entries: [{ upstreamId }, { upstreamId: fx2.id }],
    });
    expect(clash.status).toBe(409);
    expect((await json(clash)).error.message).toContain('by fx:test_simple_text and by fx2:test_simple_text');
    // prefixed tools no longer clash, but the two list the same resource URIs: namespace those too
    const sameUris = await gw.api('POST', '/api/v1/virtual-servers', { name: 'prefixed', entries: [{ upstreamId }, { upstreamId: fx2.id }] });
    expect(sameUris.status).toBe(409);
    expect((await json(sameUris)).error.message).toMatch(/resource( template)? "test:\/\/.+" would be exposed twice: by fx:.+ and by fx2:.+resourceUris/);
    const prefixed = await gw.api('POST', '/api/v1/virtual-servers', { name: 'prefixed', resourceUris: 'namespaced', entries: [{ upstreamId }, { upstreamId: fx2.id }] });
    expect(prefixed.status).toBe(201);
    const missing = await gw.api('POST', '/api/v1/virtual-servers', { name: 'missing', entries: [{ upstreamId, kind: 'tool', name: 'no_such_tool' }] });
    expect(missing.status).toBe(400);
    expect((await json(missing)).error.message).toBe('entries: upstream "fx" offers no tool "no_such_tool"');
  });

  it('answers 404 for an unknown or disabled virtual server, never another server', async () => {
    const unknown = await gw.fetch('/servers/0b5e7c1a-9d2f-4c7e-8a51-3f6d2e9b1c40/mcp', { method: 'POST', body: '{}' });
    expect(unknown.status).toBe(404);
    expect((await gw.fetch('/servers/not-a-uuid/mcp', { method: 'POST', body: '{}' })).status).toBe(404);
    const created = await json(gw.api('POST', '/api/v1/virtual-servers', { name: 'off', enabled: false, auth: undefined, entries: [{ upstreamId }] }));
    const disabled = await gw.fetch(`/servers/${created.id}/mcp`, { method: 'POST', body: '{}' });
    expect(disabled.status).toBe(404);
  });

  it('rejects a foreign Host or Origin (DNS rebinding)', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' });
    const evilHost = await gw.fetch(`http://evil.example/servers/${SERVER_ID}/mcp`, { method: 'POST', body, headers: { host: 'evil.example' } });
    expect(evilHost.status).toBe(403);
    const evilOrigin = await gw.fetch(`http://localhost/servers/${SERVER_ID}/mcp`, {
      method: 'POST',
      body,
      headers: { host: 'localhost', origin: 'https://evil.example' },
    });
    expect(evilOrigin.status).toBe(403);
  });

  it('tells open sessions when the virtual server changes (tools/list_changed)', async () => {
    const client = await connect(gw);
    const changed = new Promise<void>((resolve) => {
      client.setNotificationHandler('notifications/tools/list_changed', () => resolve());
    });
    await client.listTools();
    const vs = await gw.api('PATCH', `/api/v1/virtual-servers/${SERVER_ID}`, {
      entries: [{ upstreamId, kind: 'tool', name: 'test_simple_text', exposedName: 'simple' }],
    });
    expect(vs.status).toBe(200);
    await changed;
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['simple']);
    await client.close();
  });

  it('a session whose stream opens only after a change hears of it when the stream opens', async () => {
    const post = (body: unknown, session?: string) =>
      gw.fetch(`/servers/${SERVER_ID}/mcp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...(session && { 'mcp-session-id': session, 'mcp-protocol-version': '2025-11-25' }) },
        body: JSON.stringify(body),
      });
    const init = await post({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'late-stream', version: '1' } } });
    const session = init.headers.get('mcp-session-id')!;
    await init.text();
    expect((await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, session)).status).toBe(202);
    // the change comes while the session has no stream open
    const vs = await gw.api('PATCH', `/api/v1/virtual-servers/${SERVER_ID}`, { entries: [{ upstreamId, kind: 'tool', name: 'test_simple_text', exposedName: 'later' }] });
    expect(vs.status).toBe(200);
    // applied: the session lists the new name (no list_changed can be on its way any more)
    const listed = await post({ jsonrpc: '2.0', id: 2, method: 'tools/list' }, session);
    expect(await listed.text()).toContain('"name":"later"');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const stream = await gw.fetch(`/servers/${SERVER_ID}/mcp`, {
      headers: { accept: 'text/event-stream', 'mcp-session-id': session, 'mcp-protocol-version': '2025-11-25' },
      signal: AbortSignal.timeout(10_000),
    });
    expect(stream.status).toBe(200);
    const reader = stream.body!.getReader();
    let text = '';
    while (!text.includes('notifications/tools/list_changed')) text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    await gw.fetch(`/servers/${SERVER_ID}/mcp`, { method: 'DELETE', headers: { 'mcp-session-id': session, 'mcp-protocol-version': '2025-11-25' } });
  });
});

describe('sessions and API keys', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await createTestGateway('pglite');
    await gw.api('POST', '/api/v1/import', {
      mcpServers: { fx: { command: fixture.command, args: fixture.args, cwd: fixture.cwd } },
      virtualServers: { keyed: { id: SERVER_ID, upstreams: ['fx'], auth: 'api-key', defaultAccess: 'allow' } },
    });
  });
  afterAll(() => gw.close());

  it('requires a key, and a session id presented with another key does not exist', async () => {
    const noKey = await gw.fetch(`/servers/${SERVER_ID}/mcp`, { method: 'POST', body: '{}', headers: { host: 'localhost' } });
    expect(noKey.status).toBe(401);
    const a = (await mcpKeyFor(gw, 'a@example.com')).token;
    const b = (await mcpKeyFor(gw, 'b@example.com')).token;
    const init = await gw.fetch(`/servers/${SERVER_ID}/mcp`, {
      method: 'POST',
      headers: { authorization: `Bearer ${a}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } } }),
    });
    expect(init.status).toBe(200);
    const sessionId = init.headers.get('mcp-session-id')!;
    expect(sessionId).toBeTruthy();
    const hijack = await gw.fetch(`/servers/${SERVER_ID}/mcp`, {
      method: 'POST',
      headers: { authorization: `Bearer ${b}`, 'mcp-session-id': sessionId, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
    });
    expect(hijack.status).toBe(404);
    const inQuery = await gw.fetch(`/servers/${SERVER_ID}/mcp?access_token=${a}`, { method: 'POST', body: '{}' });
    expect(inQuery.status).toBe(400);
    const client = await connect(gw, SERVER_ID, 'legacy', a);
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    await client.close();
  });
});
