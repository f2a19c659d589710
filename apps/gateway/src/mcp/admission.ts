import { validateHostHeader, validateOriginHeader } from '@modelcontextprotocol/server';
import type { FederationRegistry } from '../federation/registry.ts';
import { bearerToken } from '../http/request-credential.ts';
import type { BearerVerifier } from '../oauth/bearer.ts';
import { apiKeyChallenge, oauthChallenge } from '../oauth/challenge.ts';
import { isMcpKey, touchApiToken } from '../services/api-tokens.ts';
import type { ServiceContext } from '../services/context.ts';
import { apiTokenClientId } from '../services/audit-clients.ts';
import { rpcErrorResponse } from './errors.ts';
import { anonymous, type Principal } from './principal.ts';
import type { VirtualServerRuntime } from './virtual-server-runtime.ts';

const WRONG_KIND =
  'this is an admin API token: MCP endpoints take a personal MCP key (scope mcp), which each person mints for themselves in the console (My keys) or with POST /api/v1/me/keys';

/** How the audit trail names an MCP key: its id (stable) and its name (readable). */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A request header by lower-case name (null when absent). */
export type HeaderReader = (name: string) => string | null;

export interface Admitted {
  id: string;
  runtime: VirtualServerRuntime;
  principal: Principal;
}

export interface AdmissionOptions {
  ctx: ServiceContext;
  registry: FederationRegistry;
  allowedHosts: string[];
  bearer: BearerVerifier;
}

/** Decides who may use an MCP endpoint: the answer for the caller, or the error to send. */
export type Admit = (rawId: string, header: HeaderReader, url: string) => Promise<Admitted | Response>;

/**
 * What every MCP endpoint checks first, in this order: Host and Origin (DNS-rebinding
 * protection), the virtual server (unknown or disabled → 404, never another server), then
 * the caller under the server's auth mode. Run once per request, by the MCP entry
 * (entry.ts), for every endpoint; nothing on it reads the database.
 */
export function createAdmission({ ctx, registry, allowedHosts, bearer }: AdmissionOptions): Admit {
  // Host values that passed the check: it parses each one as a URL, on every request.
  // The allowlist is fixed for the app's life, so a pass stays a pass (bounded: Host is client input).
  const acceptedHosts = new Set<string>();
  function originProblem(header: HeaderReader): string | undefined {
    const host = header('host');
    if (host === null || !acceptedHosts.has(host)) {
      const checked = validateHostHeader(host, allowedHosts);
      if (!checked.ok) return checked.message;
      if (host !== null && acceptedHosts.size < 64) acceptedHosts.add(host);
    }
    const origin = validateOriginHeader(header('origin'), allowedHosts);
    return origin.ok ? undefined : origin.message;
  }

  async function authenticate(serverId: string, header: HeaderReader, url: string): Promise<Principal | Response> {
    const authMode = registry.authMode(serverId);
    if (!authMode) return rpcErrorResponse(404, -32001, 'no such virtual server');
    // (no '?', no query string: the URL is parsed only when there is one)
    if (url.includes('?') && new URL(url, 'http://localhost').searchParams.has('access_token')) {
      return rpcErrorResponse(400, -32600, 'tokens in the query string are refused; send Authorization: Bearer');
    }
    if (authMode === 'none') return anonymous;
    const presented = bearerToken(header('authorization') ?? undefined);
    if (authMode === 'api-key') return admitMcpKey(serverId, presented);
    const verified = await bearer.verify(serverId, presented);
    if ('kind' in verified) return verified;
    return rpcErrorResponse(verified.status, -32001, verified.description, { 'WWW-Authenticate': oauthChallenge(ctx.publicUrl, serverId, verified) });
  }

  /**
   * An `api-key` server takes a person's own MCP key and acts as that person: their policy
   * applies, and the audit names the key (clientId). Admin API tokens are refused here, so
   * an automation key never reads users or the audit log and allowlists always apply.
   */
  function admitMcpKey(serverId: string, presented: string | undefined): Principal | Response {
    const token = presented ? registry.apiKeys.authenticate(presented) : undefined;
    // A key of a disabled or deleted person is dead with them (checked in memory).
    if (!token || (token.userId && !registry.access.current.userActive(token.userId))) {
      return rpcErrorResponse(401, -32001, 'a valid API key is required (Authorization: Bearer <key>)', { 'WWW-Authenticate': apiKeyChallenge() });
    }
    if (!isMcpKey(token) || !token.userId) {
      return rpcErrorResponse(403, -32001, WRONG_KIND, { 'WWW-Authenticate': apiKeyChallenge('insufficient_scope', WRONG_KIND) });
    }
    if (token.virtualServerIds && !token.virtualServerIds.includes(serverId)) {
      const message = `the MCP key "${token.name}" is limited to other virtual servers`;
      return rpcErrorResponse(403, -32001, message, { 'WWW-Authenticate': apiKeyChallenge('insufficient_scope', message) });
    }
    registry.apiKeys.noteUse(token, (key) => touchApiToken(ctx, key));
    return { key: `api-token:${token.id}`, kind: 'api-token', userId: token.userId, clientId: apiTokenClientId(token.id) };
  }
  return async (rawId, header, url) => {
    const problem = originProblem(header);
    if (problem) return rpcErrorResponse(403, -32000, problem);
    const id = rawId.toLowerCase();
    const runtime = UUID.test(id) ? registry.runtime(id) : undefined;
    if (!runtime) return rpcErrorResponse(404, -32001, 'no such virtual server');
    const principal = await authenticate(id, header, url);
    if (principal instanceof Response) return principal;
    return { id, runtime, principal };
  };
}
