/**
 * The hot path to a Streamable HTTP upstream, across processes: a 2025-era client on the
 * gateway's fast path, the gateway's relay to the conformance fixture (2026-07-28), and
 * back. Checks the framing of the answer and that concurrent sessions reusing the same
 * JSON-RPC ids each get their own answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cleanup, type E2eGateway, gatewayOverHttpFixture } from './support/gateway.ts';
import { RawSession } from './support/raw-session.ts';
import { sseMessages } from './support/sse.ts';

const SERVER_ID = '8d2f4a6c-1e3b-4c5d-9f7a-0b2c4d6e8f1a';

const events = (text: string) => sseMessages<{ id?: unknown; method?: string; params?: Record<string, unknown>; result?: unknown }>(text);

describe('tools/call to a Streamable HTTP upstream through the fast path', () => {
  const cleanup = new Cleanup();
  let gw: E2eGateway;
  let a: RawSession;
  let b: RawSession;

  beforeAll(async () => {
    gw = await gatewayOverHttpFixture(cleanup, SERVER_ID);
    a = await RawSession.open(gw.mcpUrl(SERVER_ID), 'session-a');
    b = await RawSession.open(gw.mcpUrl(SERVER_ID), 'session-b');
    cleanup.add(async () => {
      await Promise.allSettled([a.close(), b.close()]);
    });
  });

  afterAll(() => cleanup.run());

  it('answers a call that streams nothing as one JSON body with a length', async () => {
    const res = await a.send(1, 'tools/call', { name: 'fx__test_structured_output', arguments: { a: 20, b: 22 } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('mcp-session-id')).toBe(a.sessionId);
    const text = await res.text();
    expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(text));
    expect(JSON.parse(text)).toMatchObject({ jsonrpc: '2.0', id: 1, result: { structuredContent: { sum: 42 } } });
  });

  it('refuses a body over the SDK transport\'s 4 MiB limit with 413, as it does', async () => {
    const res = await a.send('big', 'tools/call', { name: 'fx__test_simple_text', arguments: { text: 'x'.repeat(4 * 1024 * 1024) } });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: -32000 } });
  });

  it('streams progress under the client own token, then the result, as an event stream', async () => {
    const res = await a.send('p-1', 'tools/call', { name: 'fx__test_tool_with_progress', arguments: {}, _meta: { progressToken: 'mine' } });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const messages = events(await res.text());
    expect(messages.map((m) => m.method ?? 'result')).toEqual([
      'notifications/progress',
      'notifications/progress',
      'notifications/progress',
      'result',
    ]);
    expect(messages.slice(0, 3).map((m) => [m.params?.progressToken, m.params?.progress])).toEqual([
      ['mine', 0],
      ['mine', 50],
      ['mine', 100],
    ]);
    expect(messages[3]).toMatchObject({ id: 'p-1' });
  });

  it('gives each session its own answer when both send the same ids at once', async () => {
    const rounds = Array.from({ length: 20 }, (_, i) => i + 100);
    const answers = await Promise.all(
      rounds.flatMap((id) => [
        a.request(id, 'tools/call', { name: 'fx__test_structured_output', arguments: { a: id, b: 1 } }),
        b.request(id, 'tools/call', { name: 'fx__test_structured_output', arguments: { a: id, b: 2 } }),
      ]),
    );
    expect(answers.map((r) => [r.id, r.result?.structuredContent?.sum])).toEqual(rounds.flatMap((id) => [
      [id, id + 1],
      [id, id + 2],
    ]));
  });
});
