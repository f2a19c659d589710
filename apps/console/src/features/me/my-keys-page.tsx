import { useQuery } from '@tanstack/react-query';
import { meQueries, useMintKey, useRevokeKey } from '../../api/me.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { KeyPanels } from './mcp-keys.tsx';

/** A person's own MCP keys: mint (shown once), see, revoke. */
export function MyKeysPage() {
  const keys = useQuery(meQueries.keys());
  const servers = useQuery(meQueries.servers());
  const mint = useMintKey();
  const revoke = useRevokeKey();
  const keyServers = (servers.data?.items ?? []).filter((s) => s.authMode === 'api-key');
  return (
    <div className="stack">
      <PageHeader
        title="My keys"
        description="Personal MCP keys for clients and scripts that call key-protected servers. A key acts as you: your access and your connections apply, and the audit log names the key."
      />
      <KeyPanels owner={{ keys, servers: keyServers, mint, revoke, whose: 'you' }} />
    </div>
  );
}
