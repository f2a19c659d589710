/**
 * The relay (hot path to Streamable HTTP upstreams) against the real conformance fixture,
 * in both eras, with a recording proxy in between so the wire itself can be checked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamConnection } from './connection.ts';
import { callTool, httpSpec, type RecordedRequest, type Served, sleep, startHttpFixture, startRecordingProxy, textOf, waitFor } from './test-upstreams.ts';
import { UpstreamError } from './types.ts';

const connections: UpstreamConnection[] = [];
const open = (...args: ConstructorParameters<typeof UpstreamConnection>) => {
  const connection = new UpstreamConnection(...args);
  connections.push(connection);
  return connection;
};
afterAll(async () => {
  await Promise.all(connections.map((connection) => connection.stop()));
});

async function failure(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await promise.then(
    () => expect.unreachable('expected a rejection'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UpstreamError);
  return error as UpstreamError;
}

const posts = (seen: RecordedRequest[], method: string) => seen.filter((r) => r.method === 'POST' && r.body?.method === method);

describe.each([
  ['2026-07-28', 'auto'],
  ['2025-11-25', 'legacy'],
] as const)('relay to a %s upstream', (version, protocol) => {
  let fixture: Served;
  let proxy: Awaited<ReturnType<typeof startRecordingProxy>>;
  let connection: UpstreamConnection;
  beforeAll(async () => {
    fixture = await startHttpFixture();
    proxy = await startRecordingProxy(fixture.url);
    connection = open(httpSpec(`relay-${protocol}`, proxy.url, { protocol }));
    await connection.ensureConnected();
    expect(connection.status().protocolVersion).toBe(version);
  });
  afterAll(async () => {
    await connection?.stop();
    await Promise.all([proxy?.stop(), fixture?.stop()]);
  });

  it('concurrent calls each get their own answer, under ids of their own on the one session', async () => {
    const before = proxy.seen.length;
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => connection.request('tools/call', callTool('test_structured_output', { a: i, b: 1000 }))),
    );
    expect(results.map((r) => r.structuredContent)).toEqual(Array.from({ length: 40 }, (_, i) => ({ sum: i + 1000 })));
    const calls = posts(proxy.seen.slice(before), 'tools/call');
    expect(calls).toHaveLength(40);
    expect(new Set(calls.map((c) => c.body?.id)).size).toBe(40);
    // string ids: they can never collide with the SDK client's numeric ones on the same session
    expect(calls.every((c) => typeof c.body?.id === 'string')).toBe(true);
    const sessions = new Set(calls.map((c) => c.headers['mcp-session-id']));
    expect(sessions.size).toBe(1);
    expect(calls.every((c) => c.headers['mcp-protocol-version'] === version)).toBe(true);
    if (protocol === 'legacy') expect([...sessions][0]).toMatch(/\S/);
    else {
      expect(calls[0]?.headers).toMatchObject({ 'mcp-method': 'tools/call', 'mcp-name': 'test_structured_output' });
      expect(calls[0]?.body?.params?._meta).toMatchObject({ 'io.modelcontextprotocol/protocolVersion': version });
    }
  });

  it('progress arrives in order before the result, under our own token', async () => {
    const progress: number[] = [];
    const result = await connection.request('tools/call', callTool('test_tool_with_progress'), {
      onProgress: (p) => progress.push(p.progress),
    });
    expect(progress).toEqual([0, 50, 100]);
    expect(textOf(result)).toMatch(/^switchboard-\d+$/);
  });

  it("the call's log messages reach its onLog", async () => {
    const logs: unknown[] = [];
    // (a 2026-07-28 upstream logs only when the request asks for a level)
    const params = { ...callTool('test_tool_with_logging'), _meta: { 'io.modelcontextprotocol/logLevel': 'info' } };
    const result = await connection.request('tools/call', params, { onLog: (p) => logs.push(p.data) });
    expect(textOf(result)).toBe('Tool with logging executed successfully');
    expect(logs).toEqual(['Tool execution started', 'Tool processing data', 'Tool execution completed']);
  });

  it('a JSON-RPC error keeps its code and message; lists and reads work too', async () => {
    const error = await failure(connection.request('tools/call', callTool('no_such_tool')));
    expect(error.code).toBe('upstream_error');
    expect(typeof error.rpcCode).toBe('number');
    const listed = await connection.request('tools/list', {});
    expect((listed.tools as Array<{ name: string }>).map((t) => t.name)).toContain('test_simple_text');
    expect(listed).not.toHaveProperty('resultType');
    const read = await connection.request('resources/read', { uri: 'test://template/7/data' });
    expect(JSON.stringify(read.contents)).toMatch(/Data for ID: 7/);
  });

  it('cancelling rejects at once, tells a 2025-era upstream, and the connection keeps serving', async () => {
    const before = proxy.seen.length;
    const controller = new AbortController();
    const pending = connection.request('tools/call', callTool('test_tool_with_progress'), { signal: controller.signal });
    await sleep(30);
    controller.abort(new Error('user pressed stop'));
    const error = await failure(pending);
    expect(error.code).toBe('upstream_cancelled');
    const call = posts(proxy.seen.slice(before), 'tools/call')[0];
    if (protocol === 'legacy') {
      await sleep(100);
      const cancels = posts(proxy.seen.slice(before), 'notifications/cancelled');
      expect(cancels.map((c) => c.body?.params?.requestId)).toEqual([call?.body?.id]);
    }
    expect(textOf(await connection.request('tools/call', callTool('test_simple_text')))).toMatch(/simple text/);
  });

  it('a timeout rejects with upstream_timeout and the connection keeps serving', async () => {
    const error = await failure(connection.request('tools/call', callTool('test_tool_with_progress'), { timeoutMs: 20 }));
    expect(error.code).toBe('upstream_timeout');
    expect(textOf(await connection.request('tools/call', callTool('test_simple_text')))).toMatch(/simple text/);
    expect(connection.status()).toMatchObject({ state: 'connected', inFlight: 0 });
  });

  it('a request for input reaches the one call that caused it', async () => {
    const asked: string[] = [];
    const result = await connection.request('tools/call', callTool('test_elicitation', { message: 'Your name?' }), {
      onServerRequest: async (method, params) => {
        asked.push(`${method}: ${String(params?.message)}`);
        return { action: 'accept', content: { username: 'ada', email: 'ada@example.com' } };
      },
    });
    if (protocol === 'legacy') {
      // a real elicitation/create on the call's own stream, answered on the same session
      expect(asked).toEqual(['elicitation/create: Your name?']);
      expect(textOf(result)).toMatch(/action=accept/);
    } else {
      // 2026-07-28: handed back as input_required for the gateway to relay
      expect(result.resultType).toBe('input_required');
      expect(Object.keys(result.inputRequests as object)).toEqual(['form']);
    }
  });

  // (2025-era only: SEP-1699 polling streams belong to sessions)
  if (protocol === 'legacy') {
    it('a stream the upstream closes mid-call is resumed with Last-Event-ID', async () => {
      const before = proxy.seen.length;
      const result = await connection.request('tools/call', callTool('test_reconnection'));
      expect(textOf(result)).toMatch(/Reconnection test completed successfully/);
      const resumed = proxy.seen.slice(before).filter((r) => r.method === 'GET' && r.headers['last-event-id']);
      expect(resumed.length).toBeGreaterThan(0);
    });
  }
});

describe('upstream restarts', () => {
  // every fixture started here, restarted ones included, is stopped at the end
  const started: Served[] = [];
  const start = async (port?: number) => {
    const served = await startHttpFixture(port);
    started.push(served);
    return served;
  };
  afterAll(async () => {
    await Promise.all(started.map((served) => served.stop()));
  });

  it('2025-era: a crash fails the call in flight; after a restart the expired session (404) is renewed and the call goes through', async () => {
    const fixture = await start();
    const { port } = new URL(fixture.url);
    const connection = open(httpSpec('relay-restart', fixture.url, { protocol: 'legacy' }));
    expect(textOf(await connection.request('tools/call', callTool('test_simple_text')))).toMatch(/simple text/);

    const pending = failure(connection.request('tools/call', callTool('test_tool_with_progress')));
    await sleep(30);
    await fixture.stop();
    expect((await pending).code).toBe('upstream_unavailable');

    // the new process knows nothing of our session: 404, then a fresh initialize, then the call
    await start(Number(port));
    const result = await connection.request('tools/call', callTool('test_structured_output', { a: 1, b: 2 }));
    expect(result.structuredContent).toEqual({ sum: 3 });
    expect(connection.status()).toMatchObject({ state: 'connected', protocolVersion: '2025-11-25' });
  });

  it('2026-07-28: a crash is noticed (its change stream ends), and after a restart the connection serves again', async () => {
    const fixture = await start();
    const { port } = new URL(fixture.url);
    const connection = open(httpSpec('relay-restart-modern', fixture.url), { backoff: { baseMs: 50, maxMs: 200 } });
    expect(textOf(await connection.request('tools/call', callTool('test_simple_text')))).toMatch(/simple text/);
    await fixture.stop();
    expect((await failure(connection.request('tools/call', callTool('test_simple_text')))).code).toBe('upstream_unavailable');
    await start(Number(port));
    await waitFor(() => connection.status().state === 'connected', 'the reconnect');
    expect(textOf(await connection.request('tools/call', callTool('test_simple_text')))).toMatch(/simple text/);
  });
});
