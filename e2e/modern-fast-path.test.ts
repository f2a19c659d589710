/**
 * `tools/call` from 2026-07-28 clients on the gateway's modern fast path
 * (the lean adapter, apps/gateway/src/mcp/lean/modern-call.ts), across processes: its answers must be the
 * ones the SDK's strict handler gives, and everything unusual must still reach that handler.
 * A request takes the strict path when its `Mcp-Name` is sent in the SEP-2243 base64 form
 * (valid, but not taken by the fast path). The gateway's request log tells the two apart:
 * each line carries `lane`: `lean` for what the lean adapter answered, `sdk` otherwise.
 */
import { randomUUID } from 'node:crypto';
import { waitFor } from '@switchboard/core/upstream/test-upstreams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cleanup, type E2eGateway, gatewayOverHttpFixture } from './support/gateway.ts';
import { sseMessages } from './support/sse.ts';

const SERVER_ID = '3c9e1f7a-5b2d-4e8f-a1c3-7d9b0e2f4a6c';
const VERSION = '2026-07-28';

interface CallOptions {
  meta?: Record<string, unknown>;
  capabilities?: Record<string, unknown>;
  /** `base64`: the encoded Mcp-Name form, which only the strict path takes. */
  name?: 'plain' | 'base64' | string;
  params?: Record<string, unknown>;
  body?: string;
}

type Message = { id?: unknown; method?: string; params?: Record<string, unknown>; result?: Record<string, unknown>; error?: Record<string, unknown> };

/** The JSON-RPC messages of a JSON or event-stream body, in order. */
const messagesOf = (type: string | null, text: string): Message[] =>
  type?.startsWith('text/event-stream') ? sseMessages<Message>(text) : [JSON.parse(text) as Message];

describe('2026-07-28 tools/call on the fast path', () => {
  const cleanup = new Cleanup();
  let gw: E2eGateway;

  async function call(id: string | number, tool: string, args: Record<string, unknown>, o: CallOptions = {}) {
    const envelope = {
      'io.modelcontextprotocol/protocolVersion': VERSION,
      'io.modelcontextprotocol/clientInfo': { name: 'modern-e2e', version: '1.0.0' },
      'io.modelcontextprotocol/clientCapabilities': o.capabilities ?? {},
    };
    const requestId = randomUUID();
    const mcpName = o.name === undefined || o.name === 'plain' ? tool : o.name === 'base64' ? `=?base64?${Buffer.from(tool).toString('base64')}?=` : o.name;
    const res = await fetch(gw.mcpUrl(SERVER_ID), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': VERSION,
        'mcp-method': 'tools/call',
        'mcp-name': mcpName,
        'x-request-id': requestId,
      },
      body: o.body ?? JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: tool, arguments: args, ...o.params, _meta: { ...envelope, ...o.meta } } }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    expect(res.headers.get('x-request-id')).toBe(requestId);
    return { status: res.status, fast: await servedByFastLane(requestId), type: res.headers.get('content-type'), messages: messagesOf(res.headers.get('content-type'), text) };
  }

  /** Whether the request's log line says the fast lane answered it (the line may trail the answer a little). */
  async function servedByFastLane(requestId: string): Promise<boolean> {
    const lineOf = () => gw.requestLines.find((entry) => entry.requestId === requestId);
    await waitFor(() => lineOf() !== undefined, `the request line of ${requestId}`, 2_000);
    return lineOf()?.lane === 'lean';
  }

  beforeAll(async () => {
    gw = await gatewayOverHttpFixture(cleanup, SERVER_ID, { logRequests: true });
  });

  afterAll(() => cleanup.run());

  it.each([
    ['fx__test_simple_text', {}],
    ['fx__test_image_content', {}],
    ['fx__test_multiple_content_types', {}],
    ['fx__test_structured_output', { a: 2, b: 3 }],
    ['fx__test_error_handling', {}],
    ['fx__no_such_tool', {}],
  ])('answers %s exactly as the strict SDK path does', async (tool, args) => {
    const fast = await call(7, tool, args);
    const strict = await call(7, tool, args, { name: 'base64' });
    expect([fast.fast, strict.fast]).toEqual([true, false]);
    expect([fast.status, fast.type]).toEqual([strict.status, strict.type]);
    expect(fast.messages).toEqual(strict.messages);
    if (tool === 'fx__no_such_tool') expect(fast.messages[0]?.error).toMatchObject({ code: -32602, message: 'Unknown tool: fx__no_such_tool' });
    else expect(fast.messages[0]?.result).toMatchObject({ resultType: 'complete', _meta: { 'io.modelcontextprotocol/serverInfo': { name: 'switchboard/open' } } });
  });

  it('streams progress under the client own token, then the result', async () => {
    const res = await call('p', 'fx__test_tool_with_progress', {}, { meta: { progressToken: 'mine' } });
    expect(res.fast).toBe(true);
    expect(res.type).toBe('text/event-stream');
    expect(res.messages.map((m) => m.method ?? 'result')).toEqual(['notifications/progress', 'notifications/progress', 'notifications/progress', 'result']);
    expect(res.messages.slice(0, 3).map((m) => m.params?.progressToken)).toEqual(['mine', 'mine', 'mine']);
    expect(res.messages[3]).toMatchObject({ id: 'p', result: { resultType: 'complete' } });
  });

  it('sends log messages only to a request that names a level', async () => {
    const quiet = await call('q', 'fx__test_tool_with_logging', {});
    expect(quiet.messages.map((m) => m.method ?? 'result')).toEqual(['result']);
    const chatty = await call('l', 'fx__test_tool_with_logging', {}, { meta: { 'io.modelcontextprotocol/logLevel': 'info' } });
    expect(chatty.messages.map((m) => m.method ?? 'result')).toEqual(['notifications/message', 'notifications/message', 'notifications/message', 'result']);
    expect(chatty.messages[0]?.params).toMatchObject({ level: 'info', data: 'Tool execution started' });
  });

  it('relays an input_required result and completes the call with the client answers', async () => {
    const first = await call('e1', 'fx__test_elicitation', { message: 'who?' }, { capabilities: { elicitation: {} } });
    expect(first.fast).toBe(true);
    const asked = first.messages[0]?.result as { resultType: string; inputRequests: Record<string, { method: string }>; requestState?: string };
    expect(asked.resultType).toBe('input_required');
    const [key, request] = Object.entries(asked.inputRequests)[0] ?? [];
    expect(request?.method).toBe('elicitation/create');
    const inputResponses = { [key as string]: { action: 'accept', content: { username: 'ada', email: 'ada@example.com' } } };
    const second = await call('e2', 'fx__test_elicitation', { message: 'who?' }, {
      capabilities: { elicitation: {} },
      params: { inputResponses, ...(asked.requestState !== undefined && { requestState: asked.requestState }) },
    });
    expect(second.messages[0]?.result).toMatchObject({ resultType: 'complete' });
    expect(JSON.stringify(second.messages[0]?.result)).toMatch(/action=accept.*ada@example\.com/);
  });

  it('refuses a body over the SDK handlers\' 4 MiB limit with 413, as they do', async () => {
    const huge = await call(4, 'fx__test_simple_text', { text: 'x'.repeat(4 * 1024 * 1024) });
    expect(huge.status).toBe(413);
    expect(huge.messages[0]?.error).toMatchObject({ code: -32000 });
  });

  it('leaves malformed or mismatched requests to the strict handler and its errors', async () => {
    const mismatch = await call(1, 'fx__test_simple_text', {}, { name: 'fx__test_image_content' });
    expect(mismatch.fast).toBe(false);
    expect(mismatch.status).toBe(400);
    expect(mismatch.messages[0]?.error).toBeDefined();

    const notJson = await call(2, 'fx__test_simple_text', {}, { body: '{"jsonrpc": "2.0", ' });
    expect(notJson.fast).toBe(false);
    expect(notJson.status).toBeGreaterThanOrEqual(400);
    expect(notJson.status).toBeLessThan(500);

    const noClientInfo = await call(3, 'fx__test_simple_text', {}, { meta: { 'io.modelcontextprotocol/clientInfo': 'nope' } });
    expect(noClientInfo.fast).toBe(false);
    expect(noClientInfo.messages[0]?.error).toMatchObject({ code: -32602 });
  });
});
