import { hostHeaderValidationResponse, originValidationResponse } from '@modelcontextprotocol/server';
import { Hono } from 'hono';
import type { FederationRegistry } from '../federation/registry.ts';
import { bearerToken } from '../http/admin-auth.ts';
import type { AppEnv } from '../http/env.ts';
import { anonymous, type Principal } from '../mcp/principal.ts';
import { authenticateApiToken } from '../services/api-tokens.ts';
import type { ServiceContext } from '../services/context.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const rpcError = (status: number, code: number, message: string, headers?: Record<string, string>) =>
  Response.json({ jsonrpc: '2.0', error: { code, message }, id: null }, { status, headers });

export interface McpRouteOptions {
  ctx: ServiceContext;
  registry: FederationRegistry;
  allowedHosts: string[];
}

/**
 * `/servers/{uuid}/mcp`: the Streamable HTTP endpoint of each virtual server. An unknown
 * or disabled id is a 404 — a request never falls through to another server's tools.
 */
export function mcpRoutes({ ctx, registry, allowedHosts }: McpRouteOptions) {
  const app = new Hono<AppEnv>();

  async function authenticate(serverId: string, request: Request): Promise<Principal | Response> {
    const authMode = registry.authMode(serverId);
    if (!authMode) return rpcError(404, -32001, 'no such virtual server');
    if (new URL(request.url).searchParams.has('access_token')) {
      return rpcError(400, -32600, 'tokens in the query string are refused; send Authorization: Bearer');
    }
    if (authMode === 'none') return anonymous;
    const challenge = { 'WWW-Authenticate': 'Bearer' };
    const presented = bearerToken(request.headers.get('authorization') ?? undefined);
    if (authMode === 'api-key') {
      const token = presented ? await authenticateApiToken(ctx, presented) : undefined;
      if (!token) return rpcError(401, -32001, 'a valid API key is required (Authorization: Bearer <key>)', challenge);
      return { key: `api-token:${token.id}`, kind: 'api-token', userId: token.userId, clientId: null };
    }
    return rpcError(401, -32001, 'this virtual server requires OAuth, which this gateway does not offer yet', challenge);
  }

  app.all('/servers/:id/mcp', async (c) => {
    const id = c.req.param('id');
    const request = c.req.raw;
    const rejected = hostHeaderValidationResponse(request, allowedHosts) ?? originValidationResponse(request, allowedHosts);
    if (rejected) return rejected;
    const runtime = UUID.test(id) ? registry.runtime(id.toLowerCase()) : undefined;
    if (!runtime) return rpcError(404, -32001, 'no such virtual server');
    const principal = await authenticate(id.toLowerCase(), request);
    if (principal instanceof Response) return principal;
    return runtime.fetch(request, principal);
  });
  return app;
}
