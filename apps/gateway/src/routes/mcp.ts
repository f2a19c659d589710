import type { ServerResponse } from 'node:http';
import { hostHeaderValidationResponse, originValidationResponse } from '@modelcontextprotocol/server';
import { Hono } from 'hono';
import type { FederationRegistry } from '../federation/registry.ts';
import { bearerToken } from '../http/admin-auth.ts';
import type { AppEnv } from '../http/env.ts';
import { anonymous, type Principal } from '../mcp/principal.ts';
import type { VirtualServerRuntime } from '../mcp/virtual-server-runtime.ts';
import { type BearerVerifier, bearerChallenge } from '../oauth/bearer.ts';
import { authenticateApiToken } from '../services/api-tokens.ts';
import type { ServiceContext } from '../services/context.ts';
import { rpcErrorResponse } from '../mcp/errors.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;


export interface McpRouteOptions {
  ctx: ServiceContext;
  registry: FederationRegistry;
  allowedHosts: string[];
  bearer: BearerVerifier;
}

/**
 * The MCP endpoints of each virtual server: `/servers/{uuid}/mcp` (Streamable HTTP, both
 * protocol eras) and the old HTTP+SSE pair `/servers/{uuid}/sse` + `/messages`. All three
 * share the Host/Origin checks and the server's auth mode. An unknown or disabled id is a
 * 404 — a request never falls through to another server's tools.
 */
export function mcpRoutes({ ctx, registry, allowedHosts, bearer }: McpRouteOptions) {
  const app = new Hono<AppEnv>();

  // Host values that passed the check: it parses each one as a URL, on every request.
  // The allowlist is fixed for the app's life, so a pass stays a pass (bounded: Host is client input).
  const acceptedHosts = new Set<string>();
  function hostRejected(request: Request): Response | undefined {
    const host = request.headers.get('host');
    if (host !== null && acceptedHosts.has(host)) return undefined;
    const rejected = hostHeaderValidationResponse(request, allowedHosts);
    if (!rejected && host !== null && acceptedHosts.size < 64) acceptedHosts.add(host);
    return rejected;
  }

  async function authenticate(serverId: string, request: Request): Promise<Principal | Response> {
    const authMode = registry.authMode(serverId);
    if (!authMode) return rpcErrorResponse(404, -32001, 'no such virtual server');
    // (no '?', no query string: the URL is parsed only when there is one)
    if (request.url.includes('?') && new URL(request.url).searchParams.has('access_token')) {
      return rpcErrorResponse(400, -32600, 'tokens in the query string are refused; send Authorization: Bearer');
    }
    if (authMode === 'none') return anonymous;
    const challenge = { 'WWW-Authenticate': 'Bearer' };
    const presented = bearerToken(request.headers.get('authorization') ?? undefined);
    if (authMode === 'api-key') {
      const token = presented ? await authenticateApiToken(ctx, presented) : undefined;
      // A key bound to a disabled or deleted user is dead with its user (checked in memory).
      if (!token || (token.userId && !registry.access.current.userActive(token.userId))) return rpcErrorResponse(401, -32001, 'a valid API key is required (Authorization: Bearer <key>)', challenge);
      return { key: `api-token:${token.id}`, kind: 'api-token', userId: token.userId, clientId: null };
    }
    const verified = await bearer.verify(serverId, presented);
    if ('kind' in verified) return verified;
    return rpcErrorResponse(verified.status, -32001, verified.description, { 'WWW-Authenticate': bearerChallenge(ctx.publicUrl, serverId, verified) });
  }

  /** Host/Origin, the virtual server, the caller: what every MCP endpoint checks first. */
  async function admit(rawId: string, request: Request): Promise<{ id: string; runtime: VirtualServerRuntime; principal: Principal } | Response> {
    const rejected = hostRejected(request) ?? originValidationResponse(request, allowedHosts);
    if (rejected) return rejected;
    const id = rawId.toLowerCase();
    const runtime = UUID.test(id) ? registry.runtime(id) : undefined;
    if (!runtime) return rpcErrorResponse(404, -32001, 'no such virtual server');
    const principal = await authenticate(id, request);
    if (principal instanceof Response) return principal;
    return { id, runtime, principal };
  }

  app.all('/servers/:id/mcp', async (c) => {
    const admitted = await admit(c.req.param('id'), c.req.raw);
    if (admitted instanceof Response) return admitted;
    // Over a real socket the runtime may answer a hot tools/call on the Node response directly.
    const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
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
