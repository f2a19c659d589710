/**
 * The MCP entry over a real socket: one admission, one body read, one set of answer
 * headers for every answer whoever writes it (lean adapter, SDK adapter, refusals, Hono).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECURITY_HEADERS } from '../http/response-headers.ts';
import { createFixtureGateway, json, type TestGateway } from '../testing/test-gateway.ts';

const SERVER_ID = '6a3c9e1f-8b2d-4f7a-9c1e-2d3f4a5b6c7d';
const MCP = `/servers/${SERVER_ID}/mcp`;
const JSON_POST = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const initialize = { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'entry', version: '1' } } };

function expectAnswerHeaders(res: Response, requestId?: string) {
  for (const [name, value] of SECURITY_HEADERS) expect([name, res.headers.get(name)]).toEqual([name, value]);
  if (requestId) expect(res.headers.get('x-request-id')).toBe(requestId);
  else expect(res.headers.get('x-request-id')).toMatch(/^[\w-]{8,}$/);
}

describe('the MCP entry', () => {
  let gw: TestGateway;
  let session: string;
  beforeAll(async () => {
    gw = await createFixtureGateway('pglite', SERVER_ID);
    const res = await gw.fetch(MCP, { method: 'POST', headers: JSON_POST, body: JSON.stringify(initialize) });
    session = res.headers.get('mcp-session-id')!;
    await res.text();
  });
  afterAll(() => gw.close());

  const post = (body: string, headers: Record<string, string> = {}) => gw.fetch(MCP, { method: 'POST', headers: { ...JSON_POST, 'mcp-session-id': session, ...headers }, body });

  it('gives every answer the same headers: lean, SDK, refusals, errors and Hono', async () => {
    const lean = await post(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'fx__test_simple_text', arguments: {} } }), { 'x-request-id': 'lean-1' });
    expect(lean.headers.get('content-type')).toBe('application/json');
    expectAnswerHeaders(lean, 'lean-1');
    expect((await json(lean)).result.content[0].text).toContain('simple text');

    const sdk = await post(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }), { 'x-request-id': 'sdk-2' });
    expect(sdk.headers.get('content-type')).toBe('text/event-stream');
    expectAnswerHeaders(sdk, 'sdk-2');
    await sdk.text();

    const foreign = await gw.fetch(MCP, { method: 'POST', headers: { ...JSON_POST, host: 'evil.example' }, body: '{}' });
    expect(foreign.status).toBe(403);
    expectAnswerHeaders(foreign);
    const unknown = await gw.fetch('/servers/0b5e7c1a-9d2f-4c7e-8a51-3f6d2e9b1c40/mcp', { method: 'POST', headers: JSON_POST, body: '{}' });
    expect(unknown.status).toBe(404);
    expectAnswerHeaders(unknown);
    // a request id that is not sane is replaced, never echoed
    expectAnswerHeaders(await gw.fetch('/api/v1/openapi.json', { headers: { 'x-request-id': 'bad id\twith tab' } }));
  });

  it('refuses an oversized body with 413 before reading it all, and a body that is not JSON with a parse error', async () => {
    const big = await post(JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'x', arguments: { pad: 'x'.repeat(5 * 1024 * 1024) } } }));
    expect(big.status).toBe(413);
    expect((await json(big)).error.message).toMatch(/Payload Too Large/);
    const broken = await post('{ not json');
    expect(broken.status).toBe(400);
    expect((await json(broken)).error.code).toBe(-32700);
  });

  it('serves the legacy HTTP+SSE pair and refuses the wrong methods with 405', async () => {
    const head = await gw.fetch(`/servers/${SERVER_ID}/sse`, { method: 'POST' });
    expect([head.status, head.headers.get('allow')]).toEqual([405, 'GET']);
    const get = await gw.fetch(`/servers/${SERVER_ID}/messages?sessionId=x`);
    expect([get.status, get.headers.get('allow')]).toEqual([405, 'POST']);
    const missing = await gw.fetch(`/servers/${SERVER_ID}/messages`, { method: 'POST', headers: JSON_POST, body: '{}' });
    expect(missing.status).toBe(400);
    const stranger = await gw.fetch(`/servers/${SERVER_ID}/messages?sessionId=${session}`, { method: 'POST', headers: JSON_POST, body: '{}' });
    expect(stranger.status).toBe(404);
  });

  it('leaves every other path to Hono', async () => {
    const other = await gw.fetch(`/servers/${SERVER_ID}/mcp-not`, { method: 'GET' });
    expect(other.status).not.toBe(405);
    expect((await gw.fetch('/healthz')).status).toBe(200);
  });
});
