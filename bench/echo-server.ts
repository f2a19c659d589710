/**
 * The benchmark's upstream: one MCP tool, `echo`, that returns its `text` argument.
 *   node --import tsx bench/echo-server.ts --stdio
 *   node --import tsx bench/echo-server.ts --http --port 0   # prints "listening http://127.0.0.1:<port>/mcp"
 *   node --import tsx bench/echo-server.ts --http --port 0 --workers 3   # node:cluster, one port
 * Deliberately tiny so that a benchmark measures the transport and the proxy in
 * front of it, not the tool. Serves both protocol eras on both transports, like a
 * real v2 server would: 2026-07-28 requests stateless, 2025-era clients with sessions.
 */
import cluster from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { toNodeHandler } from '@modelcontextprotocol/node';
import {
  createMcpHandler,
  fromJsonSchema,
  hostHeaderValidationResponse,
  isInitializeRequest,
  isLegacyRequest,
  localhostAllowedHostnames,
  localhostAllowedOrigins,
  McpServer,
  originValidationResponse,
  WebStandardStreamableHTTPServerTransport,
} from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';

const ECHO_INPUT = fromJsonSchema<{ text: string }>({
  type: 'object',
  properties: { text: { type: 'string' } },
  required: ['text'],
});

function createEchoServer(): McpServer {
  const mcp = new McpServer({ name: 'switchboard-bench-echo', version: '1.0.0' }, { capabilities: { tools: {} } });
  mcp.registerTool('echo', { description: 'Returns its text argument', inputSchema: ECHO_INPUT }, async ({ text }) => ({
    content: [{ type: 'text', text }],
  }));
  return mcp;
}

const jsonRpcError = (status: number, code: number, message: string) =>
  Response.json({ jsonrpc: '2.0', error: { code, message }, id: null }, { status });

/** Web-standard `/mcp` handler; the era split mirrors e2e/fixtures/conformance-server/http-handler.ts. */
function createEchoHttpHandler() {
  const hostnames = localhostAllowedHostnames();
  const origins = localhostAllowedOrigins();
  const sessions = new Map<string, WebStandardStreamableHTTPServerTransport>();
  const modern = createMcpHandler(() => createEchoServer(), { legacy: 'reject' });

  async function openSession(request: Request, parsedBody: unknown): Promise<Response> {
    const server = createEchoServer();
    // No event store: resumability is not what is being measured, and it costs memory per session.
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => void sessions.set(id, transport),
      onsessionclosed: (id) => void sessions.delete(id),
    });
    server.server.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
    };
    await server.connect(transport);
    return transport.handleRequest(request, { parsedBody });
  }

  async function legacy(request: Request): Promise<Response> {
    const sessionId = request.headers.get('mcp-session-id');
    if (sessionId) {
      const transport = sessions.get(sessionId);
      return transport ? transport.handleRequest(request) : jsonRpcError(404, -32001, 'Session not found');
    }
    if (request.method !== 'POST') return jsonRpcError(400, -32000, 'Bad Request: Mcp-Session-Id header is required');
    let parsedBody: unknown;
    try {
      parsedBody = JSON.parse(await request.clone().text());
    } catch {
      return jsonRpcError(400, -32700, 'Parse error');
    }
    if (!isInitializeRequest(parsedBody)) return jsonRpcError(400, -32000, 'Bad Request: Mcp-Session-Id header is required');
    return openSession(request, parsedBody);
  }

  return {
    async fetch(request: Request): Promise<Response> {
      const rejected = hostHeaderValidationResponse(request, hostnames) ?? originValidationResponse(request, origins);
      if (rejected) return rejected;
      if (request.method === 'POST' && !(await isLegacyRequest(request))) return modern.fetch(request);
      return legacy(request);
    },
    async close() {
      await modern.close();
      await Promise.allSettled([...sessions.values()].map((t) => t.close()));
      sessions.clear();
    },
  };
}

function serveHttp(port: number, announce = true) {
  const handler = createEchoHttpHandler();
  const node = toNodeHandler(handler, { onerror: (error) => console.error('[echo] adapter error:', error) });
  const server = createServer((req, res) => {
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== '/mcp') {
      res.writeHead(404).end();
      return;
    }
    node(req, res).catch((error: unknown) => {
      console.error('[echo] request failed:', error);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  // Load generators keep connections alive between calls; don't let Node drop them mid-run.
  server.keepAliveTimeout = 60_000;
  server.listen(port, '127.0.0.1', () => {
    const address = server.address();
    const actual = typeof address === 'object' && address ? address.port : port;
    if (announce) process.stdout.write(`listening http://127.0.0.1:${actual}/mcp\n`);
  });
  return async () => {
    server.closeAllConnections();
    server.close();
    await handler.close().catch(() => {});
  };
}

function serveCluster(port: number, count: number): void {
  let listening = 0;
  for (let i = 0; i < count; i++) cluster.fork();
  cluster.on('listening', (_worker, address) => {
    if (++listening === count) process.stdout.write(`listening http://127.0.0.1:${address.port || port}/mcp\n`);
  });
  // A worker that dies takes the benchmark's upstream with it: stop all, loudly.
  cluster.on('exit', (_worker, code, signal) => {
    console.error(`[echo] a worker exited (${signal ?? code}): stopping`);
    process.exit(1);
  });
  const stop = () => {
    cluster.removeAllListeners('exit');
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

function main() {
  const { values } = parseArgs({
    options: { stdio: { type: 'boolean' }, http: { type: 'boolean' }, port: { type: 'string' }, workers: { type: 'string', default: '1' } },
    strict: true,
  });
  if (values.stdio === values.http) {
    console.error('usage: echo-server.ts --stdio | --http [--port N] [--workers N]');
    process.exit(2);
  }
  const workers = Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1 || workers > 16) {
    console.error(`--workers: 1..16, not ${values.workers}`);
    process.exit(2);
  }
  // Several processes on one port (node:cluster hands each connection to a worker in turn),
  // so one upstream keeps up with several gateway replicas. 2025-era sessions live in one
  // worker, so only stateless (2026-07-28) requests may be spread like this.
  if (values.http && workers > 1) {
    if (cluster.isPrimary) return serveCluster(Number(values.port ?? 0), workers);
    const close = serveHttp(Number(values.port ?? 0), false);
    process.on('disconnect', () => void close().finally(() => process.exit(0)));
    return;
  }
  let close: () => Promise<void>;
  if (values.stdio) {
    const handle = serveStdio(() => createEchoServer(), {
      onerror: (error) => console.error('[echo] stdio error:', error.message),
    });
    close = () => handle.close();
    // The parent closing our stdin is how stdio servers are told to go away.
    process.stdin.once('end', () => void close().finally(() => process.exit(0)));
  } else {
    const port = Number(values.port ?? 0);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      console.error(`invalid port: ${values.port}`);
      process.exit(2);
    }
    close = serveHttp(port);
  }
  const stop = () => void close().finally(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main();
