/**
 * The old HTTP+SSE transport end to end, over real sockets: the gateway (started like
 * index.ts does, on PGlite) federating the v1-SDK SSE fixture, and old (v1 SSE) and new
 * (v2 Streamable HTTP) clients in front of it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { Client as V1Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { type RunningGateway, startGateway } from '../server.ts';
import { json } from '../testing/test-gateway.ts';
import { mcpKeyFor } from '../testing/mcp-keys.ts';
import { anonymous, type Principal } from './principal.ts';
import { VirtualServerRuntime } from './virtual-server-runtime.ts';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const OPEN_ID = '7d1e5c3a-2b4f-4e8a-9c61-0f3b2a1d4e57';
const KEYED_ID = '9a2b4c6d-8e0f-4a1b-8c3d-5e7f9a1b3c5d';
const ADMIN = 'a'.repeat(40);

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
async function waitFor(check: () => boolean, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** The SSE fixture as a child process; resolves with its `/sse` URL. */
async function startFixture(): Promise<{ url: string; child: ChildProcess }> {
  const args = ['--import', 'tsx', `${ROOT}e2e/fixtures/sse-server/server.ts`, '--port', '0'];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`fixture did not start: ${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk;
      const found = /^listening (\S+)$/m.exec(output);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', () => reject(new Error(`fixture exited: ${output}`)));
  });
  return { url, child };
}

/** Reads a stream to its end (resolves when the server ends it). */
async function drain(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  while (!(await reader.read()).done);
}

/** A raw SSE stream: the POST endpoint it announced, and the way to hang up. */
async function openStream(url: string, headers: Record<string, string> = {}) {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  if (!res.ok) return { res, abort, endpoint: '' };
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  while (!buffer.includes('\n\n')) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
  }
  expect(buffer).toMatch(/^event: endpoint\n/);
  const endpoint = new URL(/^data: (.*)$/m.exec(buffer)![1]!, url).href;
  return { res, abort, endpoint, reader };
}

const post = (url: string, body: string, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

describe('legacy HTTP+SSE transport', () => {
  let fixture: { url: string; child: ChildProcess };
  let gw: RunningGateway;
  let dataDir: string;
  let keyA: string;
  let keyB: string;
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${gw.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(res.status, `${method} ${path}`).toBeLessThan(300);
    return json(res);
  };
  const sseUrl = (id = OPEN_ID) => `${gw.url}/servers/${id}/sse`;
  const runtime = (id = OPEN_ID) => gw.deps.registry.runtime(id)!;

  beforeAll(async () => {
    fixture = await startFixture();
    dataDir = await mkdtemp(join(tmpdir(), 'switchboard-sse-'));
    const config = loadConfig({
      PORT: '0',
      SWITCHBOARD_DATA_DIR: dataDir,
      SWITCHBOARD_ADMIN_TOKEN: ADMIN,
      SWITCHBOARD_CONSOLE_DIR: '/nonexistent',
      SWITCHBOARD_SHUTDOWN_TIMEOUT_MS: '1000',
    });
    gw = await startGateway(config, pino({ level: 'silent' }), {});
    await api('POST', '/api/v1/import', {
      mcpServers: { legacy: { type: 'sse', url: fixture.url } },
      virtualServers: {
        dev: { id: OPEN_ID, upstreams: ['legacy'], auth: 'none', defaultAccess: 'allow' },
        keyed: { id: KEYED_ID, upstreams: ['legacy'], auth: 'api-key', defaultAccess: 'allow' },
      },
    });
    keyA = (await mcpKeyFor(gw.deps, 'a@example.com')).token;
    keyB = (await mcpKeyFor(gw.deps, 'b@example.com')).token;
  }, 60_000);

  afterAll(async () => {
    await gw?.stop();
    if (fixture?.child.exitCode === null) {
      fixture.child.kill('SIGTERM');
      await Promise.race([once(fixture.child, 'exit'), sleep(5000).then(() => fixture.child.kill('SIGKILL'))]);
    }
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('serves a v1 SSE client: tools, calls and progress, relayed from an SSE upstream', async () => {
    const client = new V1Client({ name: 'old-client', version: '1' });
    const before = runtime().sessionCount;
    await client.connect(new SSEClientTransport(new URL(sseUrl())));
    expect(runtime().sessionCount).toBe(before + 1);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['legacy__add', 'legacy__ask_name', 'legacy__echo', 'legacy__slow_progress']);
    expect((await client.callTool({ name: 'legacy__add', arguments: { a: 2, b: 3 } })).content).toEqual([{ type: 'text', text: '5' }]);
    const progress: number[] = [];
    const slow = await client.callTool({ name: 'legacy__slow_progress', arguments: {} }, undefined, {
      onprogress: (p) => progress.push(p.progress),
    });
    expect(slow.content).toEqual([{ type: 'text', text: 'done' }]);
    expect(progress).toEqual([1, 2, 3]);
    await client.close();
    await waitFor(() => runtime().sessionCount === before, 'the SSE session to be removed');
  });

  it('lets a v2 Streamable HTTP client call the SSE upstream through /mcp, in both eras', async () => {
    for (const mode of ['legacy', 'auto'] as const) {
      const client = new Client({ name: 'new-client', version: '1' }, { versionNegotiation: { mode } });
      const transport = new StreamableHTTPClientTransport(new URL(`${gw.url}/servers/${OPEN_ID}/mcp`));
      await client.connect(transport);
      const result = await client.callTool({ name: 'legacy__echo', arguments: { text: `hi ${mode}` } });
      expect(result.content).toEqual([{ type: 'text', text: `hi ${mode}` }]);
      if (transport.sessionId) await transport.terminateSession();
      await client.close();
    }
  });

  it('answers client mistakes with 4xx JSON-RPC errors, never a 500', async () => {
    const unknownServer = await fetch(`${gw.url}/servers/00000000-0000-4000-8000-000000000000/sse`);
    expect(unknownServer.status).toBe(404);
    expect((await json(unknownServer)).error.code).toBe(-32001);
    expect((await fetch(`${gw.url}/servers/not-a-uuid/sse`)).status).toBe(404);
    expect((await fetch(sseUrl(), { headers: { origin: 'http://evil.example' } })).status).toBe(403);
    expect((await fetch(sseUrl(), { method: 'POST' })).status).toBe(405);
    expect((await fetch(sseUrl(), { method: 'HEAD' })).status).toBe(405);

    const messages = `${gw.url}/servers/${OPEN_ID}/messages`;
    expect((await post(`${messages}?sessionId=${crypto.randomUUID()}`, '{}')).status).toBe(404);
    expect((await post(messages, '{}')).status).toBe(400);
    expect((await fetch(`${messages}?sessionId=x`)).status).toBe(405);

    const stream = await openStream(sseUrl());
    expect(stream.endpoint).toMatch(new RegExp(`/servers/${OPEN_ID}/messages\\?sessionId=[0-9a-f-]{36}$`));
    const malformed = await post(stream.endpoint, '{"jsonrpc": "2.0", ');
    expect(malformed.status).toBe(400);
    expect((await json(malformed)).error.code).toBe(-32700);
    const notRpc = await post(stream.endpoint, '{"hello": "world"}');
    expect(notRpc.status).toBe(400);
    expect((await json(notRpc)).error.code).toBe(-32600);
    expect((await post(stream.endpoint, '{}', { 'content-type': 'text/plain' })).status).toBe(415);
    const huge = await post(stream.endpoint, JSON.stringify({ jsonrpc: '2.0', method: 'x', params: { pad: 'x'.repeat(4 * 1024 * 1024) } }));
    expect(huge.status).toBe(413);
    expect((await json(huge)).error.code).toBe(-32000);
    // The session survives its client's mistakes: a real message is still accepted.
    expect((await post(stream.endpoint, JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }))).status).toBe(202);
    stream.abort.abort();
  });

  it('binds a session to the API key that opened it', async () => {
    expect((await fetch(sseUrl(KEYED_ID))).status).toBe(401);
    const stream = await openStream(sseUrl(KEYED_ID), { authorization: `Bearer ${keyA}` });
    expect(stream.res.status).toBe(200);
    const ping = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' });
    expect((await post(stream.endpoint, ping, { authorization: `Bearer ${keyB}` })).status).toBe(404);
    expect((await post(stream.endpoint, ping)).status).toBe(401);
    // The id means nothing on another virtual server either.
    expect((await post(stream.endpoint.replace(KEYED_ID, OPEN_ID), ping)).status).toBe(404);
    expect((await post(stream.endpoint, ping, { authorization: `Bearer ${keyA}` })).status).toBe(202);
    stream.abort.abort();

    const client = new V1Client({ name: 'old-client', version: '1' });
    await client.connect(new SSEClientTransport(new URL(sseUrl(KEYED_ID)), { requestInit: { headers: { authorization: `Bearer ${keyA}` } } }));
    expect((await client.listTools()).tools).toHaveLength(4);
    await client.close();
  });

  it('removes a session when its client hangs up', async () => {
    await waitFor(() => runtime().sessionCount === 0 && runtime(KEYED_ID).sessionCount === 0, 'earlier sessions to end');
    const streams = await Promise.all([openStream(sseUrl()), openStream(sseUrl())]);
    expect(runtime().sessionCount).toBe(2);
    streams[0]!.abort.abort();
    await waitFor(() => runtime().sessionCount === 1, 'the session to be removed');
    const ping = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' });
    expect((await post(streams[0]!.endpoint, ping)).status).toBe(404);
    expect((await post(streams[1]!.endpoint, ping)).status).toBe(202);
    streams[1]!.abort.abort();
    await waitFor(() => runtime().sessionCount === 0, 'the last session to be removed');
  });

  it('tells SSE sessions when the tool list changes', async () => {
    const client = new V1Client({ name: 'old-client', version: '1' });
    const changed = new Promise<void>((resolve) => client.setNotificationHandler(ToolListChangedNotificationSchema, () => resolve()));
    await client.connect(new SSEClientTransport(new URL(sseUrl())));
    expect((await client.listTools()).tools).toHaveLength(4);
    const upstreamId = (await api('GET', '/api/v1/upstreams')).items[0].id;
    await api('PATCH', `/api/v1/virtual-servers/${OPEN_ID}`, {
      entries: [{ upstreamId, kind: 'tool', name: 'add', exposedName: 'plus' }],
    });
    await changed;
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['plus']);
    expect((await client.callTool({ name: 'plus', arguments: { a: 1, b: 1 } })).content).toEqual([{ type: 'text', text: '2' }]);
    await client.close();
  });

  it('shares the session cap with /mcp sessions, sweeps idle ones and ends streams on close', async () => {
    const options = {
      id: OPEN_ID,
      name: 'bounded',
      version: 'test',
      logger: pino({ level: 'silent' }),
      directory: gw.deps.registry.pool,
      table: runtime().router.routingTable,
      caller: (principal: Principal) => ({ principal, userEmail: () => null }),
    };
    const bounded = new VirtualServerRuntime({ ...options, maxSessions: 2, sessionIdleMs: 300 });
    const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } } };
    const headers = new Headers({ 'content-type': 'application/json', accept: 'application/json, text/event-stream' });
    const request = () => new Request('http://localhost/mcp', { method: 'POST', headers, body: JSON.stringify(initialize) });
    const post = { method: 'POST', header: (name: string) => headers.get(name), text: JSON.stringify(initialize), parsed: initialize, plain: true, clientAddress: '127.0.0.1', answerHeaders: [] };
    const init = await bounded.serve(post, anonymous, new ServerResponse(new IncomingMessage(new Socket())), request);
    expect(init !== 'answered' && init.status).toBe(200);
    const sse = await bounded.openSse(anonymous, '/messages', '127.0.0.1');
    expect(sse.status).toBe(200);
    const refused = await bounded.openSse(anonymous, '/messages', '127.0.0.1');
    expect(refused.status).toBe(503);
    expect(bounded.sessionCount).toBe(2);
    await drain(sse.body!); // the idle sweep ends the stream
    await waitFor(() => bounded.sessionCount === 0, 'idle sessions to be swept');
    await bounded.close();

    const closing = new VirtualServerRuntime(options);
    const open = await closing.openSse(anonymous, '/messages', '127.0.0.1');
    const ended = drain(open.body!);
    await closing.close();
    await ended;
    expect(closing.sessionCount).toBe(0);
  });
});
