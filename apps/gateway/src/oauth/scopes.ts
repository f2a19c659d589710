import { invalidScope } from '@switchboard/auth/oauth/oauth-error';

/** `mcp`: use the virtual server's tools, resources and prompts. The OIDC scopes are accepted for clients that always ask for them. */
export const MCP_SCOPE = 'mcp';
export const SUPPORTED_SCOPES = [MCP_SCOPE, 'offline_access', 'openid', 'profile', 'email'] as const;

/** A requested scope string, normalised (deduplicated, ordered); absent → `mcp`. Unknown scopes are refused, not silently dropped. */
export function parseScope(requested: string | undefined): string {
  const names = (requested ?? '').split(' ').filter(Boolean);
  if (names.length === 0) return MCP_SCOPE;
  const unknown = names.filter((n) => !(SUPPORTED_SCOPES as readonly string[]).includes(n));
  if (unknown.length) throw invalidScope(`unsupported scope: ${unknown.slice(0, 3).join(' ').slice(0, 100)}`);
  return [...new Set(names)].sort().join(' ');
}

export function isSubsetScope(requested: string, granted: string): boolean {
  const have = new Set(granted.split(' '));
  return requested.split(' ').every((s) => have.has(s));
}
