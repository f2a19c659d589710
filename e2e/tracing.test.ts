/**
 * A trace crossing the gateway, between real processes: a client's tools/call with a W3C
 * `traceparent` goes through a gateway process started with only the standard OTEL_*
 * variables, to a Streamable HTTP upstream (the official SDK's server) that records the
 * trace context it receives; the gateway exports its spans over OTLP/HTTP (JSON) to a
 * receiver in this test, which decodes them. Checked: the span tree (the request's server
 * span under the client's span; policy, the upstream call and the audit write under it),
 * its attributes (no arguments), and that the upstream's parent is the upstream-call span.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { freePort, waitFor } from '@switchboard/core/upstream/test-upstreams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayProcess, killGateways, PROCESS_ADMIN_TOKEN, startGatewayProcess } from './support/gateway-process.ts';

const SERVER_ID = '5e8a1c3d-7b2f-4d6e-9a0c-1f2e3d4c5b6a';
const CLIENT_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN = '00f067aa0ba902b7';
const SECRET_ARGUMENT = 'never-in-a-span-7f3a';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
}

/** A minimal OTLP/HTTP receiver: POST /v1/traces with the JSON encoding (OTEL_EXPORTER_OTLP_PROTOCOL=http/json). */
async function startOtlpReceiver() {
  const spans: OtlpSpan[] = [];
  const resources: Record<string, unknown>[] = [];
  const value = (v: Record<string, unknown>) => v.stringValue ?? (v.intValue === undefined ? (v.boolValue ?? v.doubleValue) : Number(v.intValue));
  const attributes = (list: { key: string; value: Record<string, unknown> }[] = []) => Object.fromEntries(list.map((a) => [a.key, value(a.value)]));
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      if (req.url !== '/v1/traces' || !req.headers['content-type']?.includes('application/json')) {
        res.writeHead(415).end();
        return;
      }
      // biome-ignore lint/suspicious/noExplicitAny: the OTLP JSON document, read field by field
      const doc = JSON.parse(body) as any;
      for (const rs of doc.resourceSpans ?? []) {
        resources.push(attributes(rs.resource?.attributes));
        for (const ss of rs.scopeSpans ?? []) {
          for (const s of ss.spans ?? []) {
            spans.push({ traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId || undefined, name: s.name, kind: s.kind, attributes: attributes(s.attributes) });
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${port}`, spans, resources, close: () => closeServer(server) };
}

type Seen = { headers: IncomingHttpHeaders; meta: Record<string, unknown> | undefined }[];

/** An echo server (the v1 SDK's Server) whose tool calls are recorded by the transport in front of it. */
function echoServer() {
  const mcp = new Server({ name: 'recording', version: '1.0.0' }, { capabilities: { tools: {} } });
  mcp.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: [{ name: 'echo', description: 'echoes text', inputSchema: { type: 'object', properties: { text: { type: 'string' } } } }],
  }));
  mcp.setRequestHandler(CallToolRequestSchema, (request) => ({ content: [{ type: 'text', text: String(request.params.arguments?.text) }] }));
  return mcp;
}

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => resolve(body ? JSON.parse(body) : undefined));
  });
}

/** The upstream: the v1 SDK's Server over Streamable HTTP (stateless), recording the trace context of each tools/call. */
async function startRecordingUpstream() {
  const seen: Seen = [];
  const server = createServer((req, res) => {
    void readBody(req).then(async (body) => {
      const parsed = body as { method?: string; params?: { _meta?: Record<string, unknown> } } | undefined;
      if (parsed?.method === 'tools/call') seen.push({ headers: req.headers, meta: parsed.params?._meta });
      const mcp = echoServer();
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
      res.on('close', () => {
        void transport.close();
        void mcp.close();
      });
      await mcp.connect(transport);
      await transport.handleRequest(req, res, parsed);
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${port}/mcp`, seen, close: () => closeServer(server) };
}

/** The same over the legacy HTTP+SSE transport (2024-11-05): each message is a POST to /messages. */
async function startRecordingSseUpstream() {
  const seen: Seen = [];
  const transports = new Map<string, SSEServerTransport>();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'GET' && url.pathname === '/sse') {
      const transport = new SSEServerTransport('/messages', res);
      transports.set(transport.sessionId, transport);
      res.on('close', () => transports.delete(transport.sessionId));
      void echoServer().connect(transport);
      return;
    }
    void readBody(req).then(async (body) => {
      const parsed = body as { method?: string; params?: { _meta?: Record<string, unknown> } } | undefined;
      if (parsed?.method === 'tools/call') seen.push({ headers: req.headers, meta: parsed.params?._meta });
      const transport = transports.get(url.searchParams.get('sessionId') ?? '');
      if (!transport) return void res.writeHead(404).end();
      await transport.handlePostMessage(req, res, parsed);
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${port}/sse`, seen, close: () => closeServer(server) };
}

function closeServer(server: HttpServer): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

const JSON_POST = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

describe('a trace across the gateway (OTLP/HTTP export, W3C trace context)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-tracing-'));
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let upstream: Awaited<ReturnType<typeof startRecordingUpstream>>;
  let sseUpstream: Awaited<ReturnType<typeof startRecordingSseUpstream>>;
  let gw: GatewayProcess;
  let mcpUrl: string;

  beforeAll(async () => {
    [receiver, upstream, sseUpstream] = await Promise.all([startOtlpReceiver(), startRecordingUpstream(), startRecordingSseUpstream()]);
    const config = join(dir, 'switchboard.json');
    writeFileSync(
      config,
      JSON.stringify({
        mcpServers: { rec: { type: 'streamable-http', url: upstream.url }, legacy: { type: 'sse', url: sseUpstream.url } },
        virtualServers: { traced: { id: SERVER_ID, upstreams: ['rec', 'legacy'], auth: 'none', defaultAccess: 'allow' } },
      }),
    );
    gw = await startGatewayProcess({
      SWITCHBOARD_DATA_DIR: join(dir, 'data'),
      SWITCHBOARD_ADMIN_TOKEN: PROCESS_ADMIN_TOKEN,
      SWITCHBOARD_CONFIG: config,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_SERVICE_NAME: 'switchboard-e2e',
      OTEL_BSP_SCHEDULE_DELAY: '100',
    });
    mcpUrl = `${gw.url}/servers/${SERVER_ID}/mcp`;
  }, 120_000);

  afterAll(async () => {
    await killGateways();
    await Promise.all([receiver?.close(), upstream?.close(), sseUpstream?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  /** A 2025-era session (initialize), then one tools/call with the given trace context. */
  async function callInSession(headers: Record<string, string>, meta?: Record<string, unknown>, tool = 'rec__echo') {
    const init = await fetch(mcpUrl, {
      method: 'POST',
      headers: JSON_POST,
      body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'tracing-e2e', version: '1' } } }),
    });
    const session = init.headers.get('mcp-session-id')!;
    await init.text();
    const res = await fetch(mcpUrl, {
      method: 'POST',
      headers: { ...JSON_POST, 'mcp-session-id': session, 'mcp-protocol-version': '2025-11-25', ...headers },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: tool, arguments: { text: SECRET_ARGUMENT }, ...(meta && { _meta: meta }) } }),
    });
    return { session, answer: (await res.json()) as { result?: { content: { text: string }[] }; error?: unknown } };
  }

  it('exports the request as a server span under the client\'s span, with policy, credentials, upstream call and audit write as children', async () => {
    const { session, answer } = await callInSession({ traceparent: `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01`, tracestate: 'client=1' });
    expect(answer.result?.content[0]?.text).toBe(SECRET_ARGUMENT);

    const inTrace = () => receiver.spans.filter((s) => s.traceId === CLIENT_TRACE);
    await waitFor(() => inTrace().length >= 4, 'the exported spans of the call', 30_000);
    const spans = inTrace();
    const server = spans.find((s) => s.name === 'tools/call rec__echo')!;
    expect(server).toBeDefined();
    expect(server.kind).toBe(2); // SERVER
    expect(server.parentSpanId).toBe(CLIENT_SPAN);
    expect(server.attributes).toMatchObject({
      'mcp.method.name': 'tools/call',
      'mcp.session.id': session,
      'mcp.protocol.version': '2025-11-25',
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'rec__echo',
      'jsonrpc.request.id': '1',
      'network.transport': 'tcp',
      'switchboard.virtual_server': SERVER_ID,
      'switchboard.upstream': 'rec',
      'switchboard.outcome': 'ok',
      'switchboard.protocol_era': 'legacy',
      'http.response.status_code': 200,
    });
    const children = spans.filter((s) => s.parentSpanId === server.spanId);
    expect(children.map((s) => s.name).sort()).toEqual(['audit write', 'credentials', 'policy', 'tools/call echo']);
    const call = children.find((s) => s.name === 'tools/call echo')!;
    expect(call.kind).toBe(3); // CLIENT
    expect(call.attributes).toMatchObject({ 'mcp.method.name': 'tools/call', 'gen_ai.tool.name': 'echo', 'switchboard.upstream': 'rec', 'switchboard.outcome': 'ok' });
    expect(receiver.resources.some((r) => r['service.name'] === 'switchboard-e2e')).toBe(true);
    // no argument, result or credential in any exported span
    expect(JSON.stringify(receiver.spans)).not.toContain(SECRET_ARGUMENT);

    // the upstream received the trace, with the upstream-call span as its parent: as headers and in _meta
    const received = upstream.seen.find((s) => s.headers.traceparent?.includes(CLIENT_TRACE))!;
    expect(received).toBeDefined();
    expect(received.headers.traceparent).toBe(`00-${CLIENT_TRACE}-${call.spanId}-01`);
    expect(received.headers.tracestate).toBe('client=1');
    expect(received.meta).toMatchObject({ traceparent: `00-${CLIENT_TRACE}-${call.spanId}-01`, tracestate: 'client=1' });

    // the request's log line carries the trace and the request's span
    const requestLine = () =>
      gw
        .output()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .find((line) => line.msg === 'request' && line.trace_id === CLIENT_TRACE);
    await waitFor(() => requestLine() !== undefined, 'the request log line', 10_000);
    expect(requestLine()).toMatchObject({ span_id: server.spanId, method: 'POST', path: `/servers/${SERVER_ID}/mcp` });
  });

  it('takes the client\'s trace context from the request\'s _meta when it comes there', async () => {
    const metaTrace = '0af7651916cd43dd8448eb211c80319c';
    const { answer } = await callInSession({}, { traceparent: `00-${metaTrace}-b7ad6b7169203331-01` });
    expect(answer.result?.content[0]?.text).toBe(SECRET_ARGUMENT);
    await waitFor(() => receiver.spans.some((s) => s.traceId === metaTrace && s.name === 'tools/call echo'), 'the spans of the _meta call', 30_000);
    const server = receiver.spans.find((s) => s.traceId === metaTrace && s.name === 'tools/call rec__echo')!;
    expect(server.parentSpanId).toBe('b7ad6b7169203331');
    const call = receiver.spans.find((s) => s.traceId === metaTrace && s.name === 'tools/call echo')!;
    const received = upstream.seen.find((s) => s.headers.traceparent?.includes(metaTrace))!;
    expect(received.meta?.traceparent).toBe(`00-${metaTrace}-${call.spanId}-01`);
  });

  it('propagates the trace to a legacy SSE upstream too, in the message POST\'s headers and in _meta', async () => {
    const sseTrace = 'a3ce929d0e0e47364bf92f3577b34da6';
    const { answer } = await callInSession({ traceparent: `00-${sseTrace}-${CLIENT_SPAN}-01` }, undefined, 'legacy__echo');
    expect(answer.result?.content[0]?.text).toBe(SECRET_ARGUMENT);
    await waitFor(() => receiver.spans.some((s) => s.traceId === sseTrace && s.name === 'tools/call echo'), 'the spans of the SSE call', 30_000);
    const call = receiver.spans.find((s) => s.traceId === sseTrace && s.name === 'tools/call echo')!;
    expect(call.attributes['switchboard.upstream']).toBe('legacy');
    const received = sseUpstream.seen.find((s) => s.headers.traceparent?.includes(sseTrace))!;
    expect(received.headers.traceparent).toBe(`00-${sseTrace}-${call.spanId}-01`);
    expect(received.meta?.traceparent).toBe(`00-${sseTrace}-${call.spanId}-01`);
  });
});
