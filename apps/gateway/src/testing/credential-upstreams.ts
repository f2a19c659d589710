/**
 * Upstream MCP servers for the per-person credential tests: a Streamable HTTP server (the
 * SDK's handler, in this process) whose tool answers with what the request carried (the
 * stdio one is core's `envEcho`). Stop what you start.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMcpHandler, fromJsonSchema, McpServer } from '@modelcontextprotocol/server';
import { toNodeHandler } from '@modelcontextprotocol/node';

const NO_ARGS = fromJsonSchema<Record<string, never>>({ type: 'object', properties: {} });

export interface EchoUpstream {
  url: string;
  /** Every Authorization header a request brought (also tools/list and the handshake). */
  seen: string[];
  stop(): Promise<void>;
}

/**
 * `whoami` answers with the request's Authorization header, or — with `verify` — with what
 * `verify` made of it (a refused one is an HTTP 401, as a real resource server answers).
 */
export async function startEchoUpstream(options: { verify?: (authorization: string) => Promise<Record<string, unknown>> } = {}): Promise<EchoUpstream> {
  const seen: string[] = [];
  const handler = createMcpHandler((ctx) => {
    const authorization = String(ctx.authInfo?.token ?? '');
    const server = new McpServer({ name: 'echo', version: '1.0.0' });
    server.registerTool('whoami', { description: 'Who the request came as', inputSchema: NO_ARGS }, async () => ({
      content: [{ type: 'text', text: options.verify ? JSON.stringify(await options.verify(authorization)) : authorization }],
    }));
    return server;
  });
  const node = toNodeHandler(handler);
  const server = createServer((req, res) => {
    const authorization = req.headers.authorization ?? '';
    seen.push(authorization);
    const answer = async () => {
      if (options.verify) {
        const ok = await options.verify(authorization).then(
          () => true,
          () => false,
        );
        if (!ok) {
          res.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"' }).end();
          return;
        }
      }
      (req as typeof req & { auth?: unknown }).auth = { token: authorization, clientId: 'gateway', scopes: [] };
      await node(req, res);
    };
    answer().catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    seen,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await handler.close().catch(() => {});
    },
  };
}
