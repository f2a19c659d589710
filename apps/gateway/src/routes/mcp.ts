import type { IncomingMessage, ServerResponse } from 'node:http';
import { Hono } from 'hono';
import type { AppEnv } from '../http/env.ts';
import { type AdmissionOptions, createAdmission } from '../mcp/admission.ts';
import { rpcErrorResponse } from '../mcp/errors.ts';
import { admittedByLane } from '../mcp/fast-lane.ts';

export type McpRouteOptions = AdmissionOptions;

/** The Node request and response behind a Hono context, when served over a real socket. */
type NodeEnv = { incoming?: IncomingMessage; outgoing?: ServerResponse } | undefined;

/**
 * The MCP endpoints of each virtual server: `/servers/{uuid}/mcp` (Streamable HTTP, both
 * protocol eras) and the old HTTP+SSE pair `/servers/{uuid}/sse` + `/messages`. All three
 * share the Host/Origin checks and the server's auth mode (mcp/admission.ts). An unknown or
 * disabled id is a 404 — a request never falls through to another server's tools.
 */
export function mcpRoutes(options: McpRouteOptions) {
  const app = new Hono<AppEnv>();
  const admitRequest = createAdmission(options);
  const admit = (rawId: string, request: Request) => admitRequest(rawId, (name) => request.headers.get(name), request.url);

  app.all('/servers/:id/mcp', async (c) => {
    const { incoming, outgoing } = (c.env as NodeEnv) ?? {};
    // A POST the fast lane read but did not answer comes with its verdict: not judged twice.
    const admitted = (incoming && admittedByLane(incoming)) ?? (await admit(c.req.param('id'), c.req.raw));
    if (admitted instanceof Response) return admitted;
    // Over a real socket the runtime may answer a hot tools/call on the Node response directly.
    return admitted.runtime.fetch(c.req.raw, admitted.principal, outgoing);
  });

  app.all('/servers/:id/sse', async (c) => {
    const admitted = await admit(c.req.param('id'), c.req.raw);
    if (admitted instanceof Response) return admitted;
    // Not app.get: Hono answers HEAD with GET handlers, which would open a session nobody reads.
    if (c.req.method !== 'GET') return rpcErrorResponse(405, -32000, 'Method not allowed: open the stream with GET', { Allow: 'GET' });
    return admitted.runtime.openSse(admitted.principal, `/servers/${admitted.id}/messages`);
  });

  app.all('/servers/:id/messages', async (c) => {
    const admitted = await admit(c.req.param('id'), c.req.raw);
    if (admitted instanceof Response) return admitted;
    if (c.req.method !== 'POST') return rpcErrorResponse(405, -32000, 'Method not allowed: POST messages here', { Allow: 'POST' });
    const sessionId = c.req.query('sessionId');
    if (!sessionId) return rpcErrorResponse(400, -32000, 'Bad Request: the sessionId query parameter is required');
    return admitted.runtime.postSse(c.req.raw, sessionId, admitted.principal);
  });
  return app;
}
