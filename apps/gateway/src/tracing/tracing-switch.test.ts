/**
 * Tracing on and off, in one process, over the real socket: a real SDK tracer provider
 * (in-memory exporter) is registered globally for the whole file, so a span made by
 * anyone would be seen. With no OTLP endpoint configured the gateway makes none at all
 * (its pipeline is assembled without the tracing stages); with one, each MCP request is
 * a server span with its pipeline stages as children, in the caller's trace.
 */
import { context, propagation, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { waitFor } from '@switchboard/core/upstream/test-upstreams';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { createTestGateway, fixtureDocument, json, type TestGateway } from '../testing/test-gateway.ts';

const SERVER_ID = '3c1d7e2a-5b4f-4a6e-9d8c-7f0e1a2b3c4d';
const MCP = `/servers/${SERVER_ID}/mcp`;
const JSON_POST = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const CLIENT_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN = '00f067aa0ba902b7';

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

beforeAll(() => provider.register());
afterAll(async () => {
  await provider.shutdown();
  trace.disable();
  context.disable();
  propagation.disable();
});
afterEach(() => exporter.reset());

async function startGateway(env: Record<string, string>): Promise<TestGateway> {
  const gw = await createTestGateway('pglite', env);
  const res = await gw.api('POST', '/api/v1/import', fixtureDocument(SERVER_ID));
  expect(res.status).toBe(200);
  // the fixture (a stdio process) is connected and listed once a call finds its tool
  await waitFor(async () => !(await callTool(gw, 'fx__test_simple_text')).error, 'the fixture upstream', 60_000);
  exporter.reset();
  return gw;
}

/** One 2026-07-28 stateless tools/call (no session to open first). */
function callTool(gw: TestGateway, name: string, headers: Record<string, string> = {}, meta: Record<string, unknown> = {}) {
  return json(
    gw.fetch(MCP, {
      method: 'POST',
      headers: { ...JSON_POST, 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': name, ...headers },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 7,
        method: 'tools/call',
        params: {
          name,
          arguments: { text: 'do-not-export-me' },
          _meta: {
            'io.modelcontextprotocol/protocolVersion': '2026-07-28',
            'io.modelcontextprotocol/clientInfo': { name: 'tracing-test', version: '1' },
            'io.modelcontextprotocol/clientCapabilities': {},
            ...meta,
          },
        },
      }),
    }),
  );
}

describe('tracing switched by the OTEL_* environment', () => {
  it('is off without an OTLP endpoint, and with OTEL_SDK_DISABLED or OTEL_TRACES_EXPORTER=none', () => {
    const base = { SWITCHBOARD_DATA_DIR: '/nonexistent' };
    expect(loadConfig(base).tracing).toBe(false);
    expect(loadConfig({ ...base, OTEL_SERVICE_NAME: 'x' }).tracing).toBe(false);
    expect(loadConfig({ ...base, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }).tracing).toBe(true);
    expect(loadConfig({ ...base, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/v1/traces' }).tracing).toBe(true);
    expect(loadConfig({ ...base, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_SDK_DISABLED: 'true' }).tracing).toBe(false);
    expect(loadConfig({ ...base, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_TRACES_EXPORTER: 'none' }).tracing).toBe(false);
  });

  it('makes no span when off, though a tracer provider is installed', async () => {
    const gw = await startGateway({});
    try {
      const answer = await callTool(gw, 'fx__test_simple_text', { traceparent: `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01` });
      expect(answer, JSON.stringify(answer)).toMatchObject({ result: { content: [{ text: expect.stringContaining('simple text') }] } });
      await gw.audit.flush();
      expect(exporter.getFinishedSpans()).toEqual([]);
    } finally {
      await gw.close();
    }
  });

  it('when on, makes the request a server span in the caller\'s trace, with policy, credentials, upstream call and audit write as children', async () => {
    // the endpoint only switches tracing on: the spans go to the provider registered above
    const gw = await startGateway({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' });
    try {
      const answer = await callTool(gw, 'fx__test_simple_text', { traceparent: `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01` });
      expect(answer, JSON.stringify(answer)).toMatchObject({ result: { content: [{ text: expect.stringContaining('simple text') }] } });
      const spans = exporter.getFinishedSpans();
      const server = spans.find((s) => s.name === 'tools/call fx__test_simple_text')!;
      expect(server).toBeDefined();
      expect(server.spanContext().traceId).toBe(CLIENT_TRACE);
      expect(server.parentSpanContext?.spanId).toBe(CLIENT_SPAN);
      expect(server.attributes).toMatchObject({
        'mcp.method.name': 'tools/call',
        'gen_ai.tool.name': 'fx__test_simple_text',
        'gen_ai.operation.name': 'execute_tool',
        'jsonrpc.request.id': '7',
        'mcp.protocol.version': '2026-07-28',
        'switchboard.virtual_server': SERVER_ID,
        'switchboard.upstream': 'fx',
        'switchboard.outcome': 'ok',
        'switchboard.protocol_era': 'modern',
        'http.response.status_code': 200,
      });
      const children = spans.filter((s) => s.parentSpanContext?.spanId === server.spanContext().spanId);
      expect(children.map((s) => s.name).sort()).toEqual(['audit write', 'credentials', 'policy', 'tools/call test_simple_text']);
      const upstream = children.find((s) => s.name === 'tools/call test_simple_text')!;
      expect(upstream.attributes).toMatchObject({ 'gen_ai.tool.name': 'test_simple_text', 'switchboard.upstream': 'fx', 'switchboard.outcome': 'ok' });
      // never the arguments
      expect(JSON.stringify(spans.map((s) => s.attributes))).not.toContain('do-not-export-me');
    } finally {
      await gw.close();
    }
  });

  it('gives a call on the SDK\'s path (prompts/get) the same span tree: its context travels with the request, not in an AsyncLocalStorage', async () => {
    const gw = await startGateway({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' });
    try {
      const answer = await json(
        gw.fetch(MCP, {
          method: 'POST',
          headers: { ...JSON_POST, 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'prompts/get', 'mcp-name': 'fx__test_simple_prompt', traceparent: `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01` },
          body: JSON.stringify({
            jsonrpc: '2.0',
            id: 8,
            method: 'prompts/get',
            params: {
              name: 'fx__test_simple_prompt',
              _meta: {
                'io.modelcontextprotocol/protocolVersion': '2026-07-28',
                'io.modelcontextprotocol/clientInfo': { name: 'tracing-test', version: '1' },
                'io.modelcontextprotocol/clientCapabilities': {},
              },
            },
          }),
        }),
      );
      expect(answer, JSON.stringify(answer)).toMatchObject({ result: { messages: expect.any(Array) } });
      const spans = exporter.getFinishedSpans();
      const server = spans.find((s) => s.name === 'prompts/get fx__test_simple_prompt')!;
      expect(server.spanContext().traceId).toBe(CLIENT_TRACE);
      expect(server.attributes).toMatchObject({ 'switchboard.upstream': 'fx', 'switchboard.outcome': 'ok' });
      const children = spans.filter((s) => s.parentSpanContext?.spanId === server.spanContext().spanId);
      expect(children.map((s) => s.name).sort()).toEqual(['audit write', 'credentials', 'policy', 'prompts/get test_simple_prompt']);
    } finally {
      await gw.close();
    }
  });

  it('takes the caller\'s trace from _meta too, and marks a refused call on the request span', async () => {
    const gw = await startGateway({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' });
    try {
      const metaTrace = '0af7651916cd43dd8448eb211c80319c';
      await callTool(gw, 'fx__test_simple_text', {}, { traceparent: `00-${metaTrace}-b7ad6b7169203331-01` });
      const server = exporter.getFinishedSpans().find((s) => s.name === 'tools/call fx__test_simple_text')!;
      expect(server.spanContext().traceId).toBe(metaTrace);
      exporter.reset();

      const unknown = await callTool(gw, 'fx__no_such_tool');
      expect(unknown.error).toBeDefined();
      const refused = exporter.getFinishedSpans().find((s) => s.name === 'tools/call fx__no_such_tool')!;
      expect(refused.attributes).toMatchObject({ 'switchboard.outcome': 'denied', 'error.type': 'not_found' });
    } finally {
      await gw.close();
    }
  });
});
