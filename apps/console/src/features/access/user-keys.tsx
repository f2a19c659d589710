import { useQuery } from '@tanstack/react-query';
import { apiTokenQueries, useMintUserKey, useRevokeApiToken } from '../../api/api-tokens.ts';
import { virtualServerQueries } from '../../api/virtual-servers.ts';
import { KeyPanels } from '../me/mcp-keys.tsx';

/**
 * An administrator's view of one person's MCP keys: mint one that acts as them (for an
 * account that never signs in — a CI bot, a service), see and revoke theirs.
 */
export function UserKeys({ userId, email }: { userId: string; email: string }) {
  const keys = useQuery(apiTokenQueries.ofUser(userId));
  const servers = useQuery(virtualServerQueries.list({ limit: 200 }));
  const mint = useMintUserKey(userId);
  const revoke = useRevokeApiToken();
  const keyServers = (servers.data?.items ?? []).filter((s) => s.authMode === 'api-key');
  return <KeyPanels owner={{ keys, servers: keyServers, mint, revoke, whose: email }} />;
}
