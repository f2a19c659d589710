import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamConnection } from './connection.ts';
import {
  callTool,
  everything,
  fixtureStdio,
  httpSpec,
  memory,
  misbehaving,
  type Served,
  startEverythingSse,
  startHttpFixture,
  textOf,
} from './test-upstreams.ts';
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

/** The UpstreamError a promise rejects with (fails the test if it resolves). */
async function failure(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await promise.then(
    () => expect.unreachable('expected a rejection'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UpstreamError);
  return error as UpstreamError;
}

describe('connect and catalog', () => {
  let http: Served;
  let sse: Served;
  let memoryDir: string;
  beforeAll(async () => {
    [http, sse] = await Promise.all([startHttpFixture(), startEverythingSse()]);
    memoryDir = mkdtempSync(join(tmpdir(), 'switchboard-memory-'));
  });
  afterAll(async () => {
    await Promise.all([http?.stop(), sse?.stop()]);
    rmSync(memoryDir, { recursive: true, force: true });
  });

  it('stdio fixture: negotiates 2026-07-28 and lists every kind', async () => {
    const connection = open(fixtureStdio());
    expect(connection.status().state).toBe('idle');
    await connection.ensureConnected();
    const status = connection.status();
    expect(status).toMatchObject({ state: 'connected', protocolVersion: '2026-07-28', lastError: null, inFlight: 0 });
    const catalog = connection.catalog();
    expect(catalog.tools.map((t) => t.name)).toContain('test_simple_text');
    expect(catalog.tools.find((t) => t.name === 'json_schema_2020_12_tool')?.inputSchema.$schema).toBe(
      'https://json-schema.org/draft/2020-12/schema',
    );
    expect(catalog.resources.map((r) => r.uri)).toContain('test://static-text');
    expect(catalog.resourceTemplates.map((t) => t.uriTemplate)).toContain('test://template/{id}/data');
    expect(catalog.prompts).toHaveLength(4);
    expect(catalog.serverInfo?.name).toBe('switchboard-conformance-fixture');
    expect(catalog.capabilities).toHaveProperty('completions');
    expect(catalog.instructions).toMatch(/Conformance fixture/);
    expect(status).toMatchObject({ tools: catalog.tools.length, resources: catalog.resources.length, prompts: 4 });
    const result = await connection.request('tools/call', callTool('test_simple_text'));
    expect(textOf(result)).toBe('This is a simple text response for testing.');
    const read = await connection.request('resources/read', { uri: 'test://template/7/data' });
    expect(JSON.stringify(read.contents)).toMatch(/Data for ID: 7/);
  });

  it('Streamable HTTP fixture: connects lazily on the first request', async () => {
    const connection = open(httpSpec('http-fixture', http.url));
    const result = await connection.request('tools/call', callTool('test_structured_output', { a: 2, b: 3 }));
    expect(result.structuredContent).toEqual({ sum: 5 });
    expect(connection.status()).toMatchObject({ state: 'connected', protocolVersion: '2026-07-28' });
    expect(connection.catalog().tools.length).toBeGreaterThanOrEqual(16);
    const prompt = await connection.request('prompts/get', { name: 'test_prompt_with_arguments', arguments: { arg1: 'a', arg2: 'b' } });
    expect(JSON.stringify(prompt.messages)).toMatch(/arg1='a', arg2='b'/);
  });

  it('legacy SSE (server-everything): 2025-era handshake, ping and calls', async () => {
    const connection = open(httpSpec('everything-sse', sse.url, { transport: 'sse' }));
    await connection.ensureConnected();
    expect(connection.status().protocolVersion).toMatch(/^2025-/);
    expect(await connection.request('ping', undefined)).toEqual({});
    expect(textOf(await connection.request('tools/call', callTool('echo', { message: 'over sse' })))).toMatch(/over sse/);
  });

  it('server-everything over stdio: a 2025-era upstream (probe falls back to initialize)', async () => {
    const connection = open(everything());
    await connection.ensureConnected();
    expect(connection.status().protocolVersion).toMatch(/^2025-/);
    const names = connection.catalog().tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['echo', 'get-sum', 'get-env', 'trigger-long-running-operation']));
    const sum = await connection.request('tools/call', callTool('get-sum', { a: 2, b: 40 }));
    expect(textOf(sum)).toMatch(/42/);
    const completion = await connection.request('completion/complete', {
      ref: { type: 'ref/prompt', name: 'completable-prompt' },
      argument: { name: 'department', value: 'Eng' },
    });
    expect(JSON.stringify(completion)).toMatch(/Engineering/);
  });

  it('server-memory over stdio: tools work end to end', async () => {
    const connection = open(memory('memory', join(memoryDir, 'memory.jsonl')));
    const entities = [{ name: 'switchboard', entityType: 'project', observations: ['an MCP gateway'] }];
    await connection.request('tools/call', callTool('create_entities', { entities }));
    const graph = await connection.request('tools/call', callTool('read_graph'));
    expect(textOf(graph)).toMatch(/an MCP gateway/);
    expect(connection.catalog().tools.map((t) => t.name)).toContain('search_nodes');
  });

  it('a JSON-RPC error from the upstream keeps its code and message', async () => {
    const connection = open(fixtureStdio('fixture-errors'));
    const error = await failure(connection.request('prompts/get', { name: 'no_such_prompt' }));
    expect(error.code).toBe('upstream_error');
    expect(typeof error.rpcCode).toBe('number');
    expect(error.message).toMatch(/no_such_prompt/);
    // a method the negotiated era does not have is "method not found", not a crash
    const ping = await failure(connection.request('ping', undefined));
    expect(ping).toMatchObject({ code: 'upstream_error', rpcCode: -32601 });
    // tool-level failures are results (isError), passed through as such
    const result = await connection.request('tools/call', callTool('test_error_handling'));
    expect(result.isError).toBe(true);
  });

  it('a disabled upstream rejects at once and never spawns', async () => {
    const connection = open(misbehaving('disabled', { enabled: false }));
    await connection.start();
    expect((await failure(connection.request('tools/call', callTool('slow_echo', { text: 'x' })))).code).toBe(
      'upstream_unavailable',
    );
    expect(connection.status().state).toBe('idle');
  });

  it('a command that does not exist fails with a readable error', async () => {
    const connection = open({ ...misbehaving('missing'), command: '/nonexistent/mcp-server' }, { backoff: { baseMs: 60_000 } });
    const error = await failure(connection.request('tools/list', undefined));
    expect(error.code).toBe('upstream_unavailable');
    expect(connection.status()).toMatchObject({ state: 'failing' });
    expect(connection.status().lastError).toMatch(/ENOENT|connect failed/);
  });
});

describe('one shared client, many callers', () => {
  let connection: UpstreamConnection;
  let legacy: UpstreamConnection;
  beforeAll(async () => {
    connection = open(misbehaving());
    legacy = open(everything('everything-concurrency'));
    await Promise.all([connection.ensureConnected(), legacy.ensureConnected()]);
  });

  it('100 concurrent tools/call with distinct arguments each get their own result', async () => {
    // random delays make the upstream answer out of order
    const calls = Array.from({ length: 100 }, (_, i) =>
      connection.request('tools/call', callTool('slow_echo', { text: `call-${i}`, ms: Math.floor(Math.random() * 60) })),
    );
    const results = await Promise.all(calls);
    expect(results.map(textOf)).toEqual(Array.from({ length: 100 }, (_, i) => `call-${i}`));
    expect(connection.status().inFlight).toBe(0);
  });

  it('the same holds against a 2025-era npm server', async () => {
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => legacy.request('tools/call', callTool('echo', { message: `m-${i}` }))),
    );
    expect(results.map(textOf)).toEqual(Array.from({ length: 100 }, (_, i) => `Echo: m-${i}`));
  });

  it('progress reaches the caller that asked for it, and only that caller', async () => {
    const seen = new Map<number, string[]>();
    const calls = Array.from({ length: 10 }, (_, i) =>
      connection.request('tools/call', callTool('slow_echo', { text: `p-${i}`, ms: 30 + i * 5, steps: 3 }), {
        onProgress: (p) => seen.set(i, [...(seen.get(i) ?? []), `${p.message}:${p.progress}/${p.total}`]),
      }),
    );
    await Promise.all(calls);
    for (let i = 0; i < 10; i += 1) expect(seen.get(i)).toEqual([`p-${i}:1/3`, `p-${i}:2/3`, `p-${i}:3/3`]);
  });

  it('progress sent right before the result is not lost, and our token went upstream', async () => {
    const fixture = open(fixtureStdio('fixture-progress'));
    const progress: number[] = [];
    const result = await fixture.request('tools/call', callTool('test_tool_with_progress'), {
      onProgress: (p) => progress.push(p.progress),
    });
    expect(progress).toEqual([0, 50, 100]);
    // the fixture echoes the token it saw: the gateway's own, not the downstream client's
    expect(textOf(result)).toMatch(/^switchboard-\d+$/);
    const legacyProgress: number[] = [];
    await legacy.request('tools/call', callTool('trigger-long-running-operation', { duration: 0.3, steps: 3 }), {
      onProgress: (p) => legacyProgress.push(p.progress),
    });
    expect(legacyProgress).toEqual([1, 2, 3]);
    // zero-delay steps put the last progress and the result in one chunk: the SDK's own
    // per-call onprogress loses some of those (~1 in 6 here); routing by token loses none
    let received = 0;
    for (let i = 0; i < 20; i += 1) {
      await legacy.request('tools/call', callTool('trigger-long-running-operation', { duration: 0, steps: 5 }), {
        onProgress: () => {
          received += 1;
        },
      });
    }
    expect(received).toBe(100);
  });

  it('a timeout rejects with upstream_timeout and the connection keeps serving', async () => {
    const started = Date.now();
    const error = await failure(connection.request('tools/call', callTool('hang'), { timeoutMs: 300 }));
    expect(error.code).toBe('upstream_timeout');
    expect(Date.now() - started).toBeLessThan(3000);
    expect(textOf(await connection.request('tools/call', callTool('slow_echo', { text: 'after timeout' })))).toBe(
      'after timeout',
    );
    expect(connection.status().state).toBe('connected');
  });

  it('an abort rejects with upstream_cancelled and the connection keeps serving', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const started = Date.now();
    const error = await failure(connection.request('tools/call', callTool('hang'), { signal: controller.signal }));
    expect(error.code).toBe('upstream_cancelled');
    expect(Date.now() - started).toBeLessThan(3000);
    const already = await failure(connection.request('tools/call', callTool('hang'), { signal: AbortSignal.abort() }));
    expect(already.code).toBe('upstream_cancelled');
    expect(textOf(await legacy.request('tools/call', callTool('echo', { message: 'still here' })))).toBe('Echo: still here');
    const legacyAbort = new AbortController();
    setTimeout(() => legacyAbort.abort(), 100);
    const slow = legacy.request('tools/call', callTool('trigger-long-running-operation', { duration: 5, steps: 5 }), {
      signal: legacyAbort.signal,
    });
    expect((await failure(slow)).code).toBe('upstream_cancelled');
    expect(connection.status().inFlight).toBe(0);
  });
});
