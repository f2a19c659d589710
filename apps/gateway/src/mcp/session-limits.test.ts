/**
 * Issue 20: one client cannot take every session (#7), and graceful shutdown drains every
 * kind of session the same way (#6): calls in flight are answered, also those whose answer
 * travels on an HTTP+SSE stream or goes to an elicitation-capable client on an isolated
 * connection; calls past the grace period get an error answer, not a reset.
 */
import { Client as V1Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { misbehaving } from '@switchboard/core/upstream/test-upstreams';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestGateway, type TestGateway } from '../testing/test-gateway.ts';

const SERVER_ID = '3b7d9f1e-5a2c-4e6b-8d0f-1a3c5e7b9d2f';
const MCP = `/servers/${SERVER_ID}/mcp`;
const bad = misbehaving();
const DOCUMENT = {
  mcpServers: { bad: { command: bad.command, args: bad.args, cwd: bad.cwd, timeoutMs: 60_000 } },
  virtualServers: { dev: { id: SERVER_ID, upstreams: ['bad'], auth: 'none', defaultAccess: 'allow' } },
};
const JSON_POST = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const initialize = JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'cap', version: '1' } } });

let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

async function gateway(env: Record<string, string>) {
  gw = await createTestGateway('pglite', { SWITCHBOARD_ALLOWED_HOSTS: '127.0.0.1', ...env });
  const res = await gw.api('POST', '/api/v1/import', DOCUMENT);
  expect(res.status).toBe(200);
  return gw;
}

describe('session caps (#7)', () => {
  it('one caller gets 429 with Retry-After past its share; others, and the server cap (503), are counted apart', async () => {
    const g = await gateway({ SWITCHBOARD_MAX_SESSIONS_PER_CALLER: '3', SWITCHBOARD_MAX_SESSIONS: '5', SWITCHBOARD_TRUSTED_PROXIES: '127.0.0.1' });
    const open = (from: string) => g.fetch(MCP, { method: 'POST', headers: { ...JSON_POST, 'x-forwarded-for': from }, body: initialize });
    for (let i = 0; i < 3; i++) expect((await open('198.51.100.1')).status).toBe(200);
    const refused = await open('198.51.100.1');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('30');
    expect((await refused.json()) as unknown).toMatchObject({ error: { message: expect.stringContaining('3 open sessions') } });
    // another client (through the trusted proxy) still gets in, up to the server's cap
    expect((await open('198.51.100.2')).status).toBe(200);
    expect((await open('198.51.100.3')).status).toBe(200);
    const full = await open('198.51.100.4');
    expect([full.status, full.headers.get('retry-after')]).toEqual([503, '5']);
  });

  it('believes X-Forwarded-For only from a trusted proxy', async () => {
    const g = await gateway({ SWITCHBOARD_MAX_SESSIONS_PER_CALLER: '2' });
    const open = (from: string) => g.fetch(MCP, { method: 'POST', headers: { ...JSON_POST, 'x-forwarded-for': from }, body: initialize });
    expect((await open('198.51.100.1')).status).toBe(200);
    expect((await open('198.51.100.2')).status).toBe(200);
    // a forged header changes nothing: it is still the one socket address
    expect((await open('198.51.100.3')).status).toBe(429);
  });
});

describe('graceful shutdown drains every kind of session (#6)', () => {
  it('answers calls in flight on HTTP+SSE, elicitation-capable and plain sessions; a call past the grace period gets an error answer', async () => {
    const g = await gateway({ SWITCHBOARD_SHUTDOWN_TIMEOUT_MS: '4000' });
    const url = (path: string) => new URL(`${g.url}${path}`);
    const sse = new V1Client({ name: 'old-client', version: '1' });
    await sse.connect(new SSEClientTransport(url(`/servers/${SERVER_ID}/sse`)));
    const asking = new V1Client({ name: 'vscode-like', version: '1' }, { capabilities: { elicitation: {} } });
    await asking.connect(new StreamableHTTPClientTransport(url(MCP)));
    const plain = new V1Client({ name: 'plain', version: '1' });
    await plain.connect(new StreamableHTTPClientTransport(url(MCP)));

    // the elicitation-capable session's own upstream process is started before the clock matters
    // (this test is about the drain, not about how long a stdio upstream takes to start)
    await asking.callTool({ name: 'bad__slow_echo', arguments: { text: 'warm', ms: 1 } }, undefined, { timeout: 60_000 });
    const slow = (client: V1Client, text: string) => client.callTool({ name: 'bad__slow_echo', arguments: { text, ms: 1500 } }, undefined, { timeout: 20_000 });
    const calls = [slow(sse, 'over sse'), slow(asking, 'to the asking client'), slow(plain, 'plain')];
    const hung = plain.callTool({ name: 'bad__hang', arguments: {} }, undefined, { timeout: 20_000 }).then(
      () => 'answered',
      (error: Error) => error.message,
    );
    // all four calls are in the pipeline before the shutdown begins (a fixed pause is a race on a busy machine)
    const deadline = Date.now() + 15_000;
    while (g.registry.inFlight.size < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const stopped = g.close();
    gw = undefined;
    const results = await Promise.all(calls);
    expect(results.map((r) => (r.content as Array<{ text: string }>)[0]!.text)).toEqual(['over sse', 'to the asking client', 'plain']);
    // past the grace period: an error answer naming the shutdown, not a reset or the client's own timeout
    expect(await hung).toMatch(/shutting down/);
    await stopped;
  }, 40_000);
});
