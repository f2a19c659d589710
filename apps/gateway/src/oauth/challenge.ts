import type { BearerFailure } from './bearer.ts';
import { MCP_SCOPE } from './scopes.ts';

/**
 * `WWW-Authenticate` challenges of an MCP endpoint, one per auth mode, so a client learns
 * what to present and nothing that would send it down the wrong path.
 */

/** RFC 6750 §3 / RFC 9728 §5.1: an `oauth` server points the client at its protected-resource metadata. */
export function oauthChallenge(issuer: string, serverId: string, failure: BearerFailure): string {
  const metadata = `${issuer}/.well-known/oauth-protected-resource/servers/${serverId}/mcp`;
  const parts = [`resource_metadata="${metadata}"`, `scope="${MCP_SCOPE}"`];
  if (failure.error) parts.push(`error="${failure.error}"`, `error_description="${quotable(failure.description)}"`);
  return `Bearer ${parts.join(', ')}`;
}

/**
 * An `api-key` server names the key as what is needed and carries no OAuth metadata: an
 * MCP client (Claude Code, MCP Inspector) that saw a bare `Bearer` challenge would start an
 * OAuth flow that can only end in `invalid_target`, since this server is no OAuth resource.
 */
export function apiKeyChallenge(error: 'invalid_token' | 'insufficient_scope' = 'invalid_token', description = API_KEY_DESCRIPTION): string {
  return `Bearer realm="switchboard", error="${error}", error_description="${quotable(description)}"`;
}

const API_KEY_DESCRIPTION =
  'this server takes an API key, not OAuth: send Authorization: Bearer <key> (a personal MCP key, minted in the console under My keys)';

/** RFC 7235 quoted-string: no double quotes or backslashes inside. */
const quotable = (text: string) => text.replace(/["\\]/g, "'");
