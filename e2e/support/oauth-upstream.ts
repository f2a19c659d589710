/**
 * A real OAuth-protected MCP upstream, for per-person credentials:
 * - `startAuthorizationServer`: `oidc-provider` (npm) as the upstream's authorization server,
 *   with Dynamic Client Registration, rotating refresh tokens, revocation, resource
 *   indicators (JWT access tokens whose `aud` is the resource) and, when asked, the RFC 8693
 *   token-exchange grant registered with `provider.registerGrantType`.
 * - `startProtectedMcpServer`: an official-SDK Streamable HTTP server that answers 401 with
 *   `WWW-Authenticate: Bearer resource_metadata=…` (RFC 9728), verifies each bearer token
 *   against the AS's JWKS (issuer, audience = its own URL), and whose `whoami` tool returns
 *   the token's `sub`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { createMcpHandler, McpServer } from '@modelcontextprotocol/server';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import Provider, { errors } from 'oidc-provider';
import { freePort } from './gateway.ts';

export const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

export interface RunningAuthorizationServer {
  issuer: string;
  // biome-ignore lint/suspicious/noExplicitAny: oidc-provider is untyped
  provider: any;
  /** Every grant_type the token endpoint answered successfully, in order. */
  grants: string[];
  /** Revokes every refresh token (and access token) the AS issued for this person, as an admin at the AS would. */
  revokeGrantsOf(accountId: string): Promise<number>;
  stop(): Promise<void>;
}

export interface AuthorizationServerOptions {
  /** Lifetime of access tokens for resources, seconds (short → the gateway must refresh). */
  accessTokenTtl: number;
  /** Static clients (e.g. the gateway's login client); DCR is always on as well. */
  clients?: Array<Record<string, unknown>>;
  /** Register the RFC 8693 token-exchange grant (subject: an access token this AS issued). */
  tokenExchange?: boolean;
  /** Extra properties of the discovery document (e.g. to play a hostile AS). */
  discovery?: Record<string, unknown>;
}

export async function startAuthorizationServer(options: AuthorizationServerOptions): Promise<RunningAuthorizationServer> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const grants: string[] = [];
  const issuedTo = new Map<string, Set<string>>(); // accountId → grantIds
  const resourceServer = (resource: string) => ({
    scope: 'mcp',
    audience: resource,
    accessTokenTTL: options.accessTokenTtl,
    accessTokenFormat: 'jwt',
    jwt: { sign: { alg: 'RS256' } },
  });
  const provider = new Provider(issuer, {
    clients: options.clients ?? [],
    findAccount: async (_ctx: unknown, id: string) => ({ accountId: id, claims: async () => ({ sub: id, email: `${id}@corp.example`, email_verified: true, name: `User ${id}` }) }),
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    scopes: ['openid', 'email', 'profile', 'mcp'],
    pkce: { required: () => true },
    cookies: { keys: [`e2e-upstream-as-${port}`] },
    rotateRefreshToken: true,
    issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(t: string): boolean }) => client.grantTypeAllowed('refresh_token'),
    discovery: options.discovery ?? {},
    features: {
      devInteractions: { enabled: true },
      registration: { enabled: true },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => undefined,
        useGrantedResource: () => true,
        getResourceServerInfo: async (_ctx: unknown, resource: string) => resourceServer(resource),
      },
    },
  });
  provider.on('server_error', () => {});
  provider.on('grant.success', (ctx: { oidc: { params: { grant_type: string }; entities: Record<string, { accountId?: string; grantId?: string }> } }) => {
    grants.push(ctx.oidc.params.grant_type);
    const token = ctx.oidc.entities.AccessToken ?? ctx.oidc.entities.RefreshToken;
    if (token?.accountId && token.grantId) issuedTo.set(token.accountId, (issuedTo.get(token.accountId) ?? new Set()).add(token.grantId));
  });
  if (options.tokenExchange) {
    provider.registerGrantType(
      TOKEN_EXCHANGE,
      // biome-ignore lint/suspicious/noExplicitAny: oidc-provider's koa context is untyped
      async (ctx: any) => {
        const params = ctx.oidc.params;
        if (params.subject_token_type !== ACCESS_TOKEN_TYPE) throw new errors.InvalidRequest('unsupported subject_token_type');
        const subject = await provider.AccessToken.find(params.subject_token);
        if (!subject || subject.isExpired) throw new errors.InvalidGrant('subject_token is invalid or expired');
        const audience = String(params.audience ?? '');
        if (!audience.startsWith('http://127.0.0.1:')) throw new errors.InvalidTarget('unknown audience');
        const token = new provider.AccessToken({ accountId: subject.accountId, client: ctx.oidc.client, gty: 'token-exchange', scope: 'mcp' });
        token.resourceServer = new provider.ResourceServer(audience, resourceServer(audience));
        ctx.oidc.entity('AccessToken', token);
        ctx.body = { access_token: await token.save(), issued_token_type: ACCESS_TOKEN_TYPE, token_type: 'Bearer', expires_in: token.expiration, scope: 'mcp' };
      },
      ['subject_token', 'subject_token_type', 'audience', 'resource', 'requested_token_type', 'scope'],
    );
  }
  const server = provider.listen(port, '127.0.0.1') as Server;
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return {
    issuer,
    provider,
    grants,
    async revokeGrantsOf(accountId) {
      const ids = [...(issuedTo.get(accountId) ?? [])];
      for (const grantId of ids) {
        await provider.RefreshToken.revokeByGrantId(grantId);
        await provider.AccessToken.revokeByGrantId(grantId);
      }
      return ids.length;
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export interface ProtectedMcpServer {
  /** The MCP endpoint (also its RFC 8707 resource identifier). */
  url: string;
  /** Each verified call: who (`sub`) and which token (`jti`). */
  calls: Array<{ sub: string; jti: string }>;
  /** Requests refused with 401. */
  refused: number;
  stop(): Promise<void>;
}

/**
 * `authorizationServers` is what the protected-resource metadata lists (normally the AS
 * that issues its tokens; a hostile test lists somewhere else). Tokens are verified against
 * `trustedIssuer`'s JWKS.
 */
export async function startProtectedMcpServer(options: { trustedIssuer: string; authorizationServers?: string[] }): Promise<ProtectedMcpServer> {
  const calls: ProtectedMcpServer['calls'] = [];
  let refused = 0;
  const jwks = createRemoteJWKSet(new URL(`${options.trustedIssuer}/jwks`));
  const handler = createMcpHandler(({ authInfo }) => {
    const server = new McpServer({ name: 'oauth-protected', version: '1.0.0' });
    server.registerTool('whoami', { description: 'Says whose token the call came with' }, async () => ({
      content: [{ type: 'text', text: String(authInfo?.extra?.sub) }],
    }));
    return server;
  });
  const node = toNodeHandler(handler);
  const http = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/.well-known/oauth-protected-resource/mcp') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ resource: url, authorization_servers: options.authorizationServers ?? [options.trustedIssuer], scopes_supported: ['mcp'], bearer_methods_supported: ['header'] }));
      return;
    }
    if (path !== '/mcp') return void res.writeHead(404).end();
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    try {
      if (!token) throw new Error('no token');
      const { payload } = await jwtVerify(token, jwks, { issuer: options.trustedIssuer, audience: url });
      calls.push({ sub: String(payload.sub), jti: String(payload.jti) });
      await node(Object.assign(req, { auth: { token, clientId: String(payload.client_id ?? ''), scopes: String(payload.scope ?? '').split(' '), extra: { sub: payload.sub } } }), res);
      return;
    } catch {
      refused++;
      res.writeHead(401, { 'www-authenticate': `Bearer resource_metadata="${origin}/.well-known/oauth-protected-resource/mcp"`, 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'invalid_token' }));
    }
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const url = `${origin}/mcp`;
  return {
    url,
    calls,
    get refused() {
      return refused;
    },
    stop: () =>
      new Promise((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}
