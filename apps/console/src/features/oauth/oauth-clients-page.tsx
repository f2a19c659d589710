import type { OAuthClient, OAuthConsent } from '@switchboard/core/contracts/oauth-clients';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { oauthClientQueries, oauthConsentQueries, useDeleteOAuthConsent, useRevokeOAuthClient } from '../../api/oauth-clients.ts';
import { ConfirmButton } from '../../components/confirm-button.tsx';
import type { Column } from '../../components/data-table.tsx';
import { ListSearch } from '../../components/list-search.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { Pager } from '../../components/pager.tsx';
import { Panel } from '../../components/panel.tsx';
import { MutationError } from '../../components/query-state.tsx';
import { ResourceTable } from '../../components/resource-table.tsx';
import { RelativeTime } from '../../components/time.tsx';
import { useListSearch } from '../../lib/use-list-search.ts';

const clientColumns: Array<Column<OAuthClient>> = [
  {
    header: 'Client',
    cell: (client) => (
      <>
        <div className="name">{client.clientName ?? <span className="muted">unnamed</span>}</div>
        <div className="muted small mono truncate">{client.clientId}</div>
        <div className="muted small truncate">{client.redirectUris.join(', ')}</div>
      </>
    ),
  },
  { header: 'Kind', cell: (client) => <span className="tag">{client.kind === 'dcr' ? 'DCR' : 'CIMD'}</span> },
  { header: 'Consents', cell: (client) => client.consentCount },
  { header: 'Last used', className: 'small', cell: (client) => <RelativeTime at={client.lastUsedAt} /> },
];

function Clients() {
  const list = useListSearch();
  const query = useQuery({ ...oauthClientQueries.list({ limit: 50, ...list.params }), placeholderData: keepPreviousData });
  const revoke = useRevokeOAuthClient();
  const status: Column<OAuthClient> = {
    header: 'Status',
    cell: (client) =>
      client.revokedAt ? (
        <span className="pill off">
          Revoked <RelativeTime at={client.revokedAt} />
        </span>
      ) : (
        <ConfirmButton
          label="Revoke"
          title={`Revoke ${client.clientName ?? client.clientId}?`}
          confirmLabel="Revoke client"
          consequences={<p>Every token it holds stops working at once, for every person, and it cannot register again under this id.</p>}
          ariaLabel={`Revoke ${client.clientName ?? client.clientId}`}
          pending={revoke.isPending && revoke.variables === client.id}
          error={<MutationError error={revoke.error} />}
          onConfirm={() => revoke.mutateAsync(client.id)}
        />
      ),
  };
  return (
    <Panel
      title={list.q ? `Clients matching “${list.q}”` : 'Registered clients'}
      description="MCP clients that registered themselves (Dynamic Client Registration) or identify by a metadata document URL."
    >
      <ListSearch label="Search clients" value={list.search} onChange={list.setSearch} placeholder="Part of a name or client id" />
      <ResourceTable
        query={query}
        noun="OAuth clients"
        empty={
          list.q ? (
            <>No client matches “{list.q}”.</>
          ) : (
            <>
              <strong>No clients yet.</strong> They appear when an MCP client first connects to an OAuth virtual server.
            </>
          )
        }
        columns={[...clientColumns, status]}
      />
      <Pager page={list.pages.page} nextCursor={query.data?.nextCursor} onNext={list.pages.next} onPrevious={list.pages.previous} noun="OAuth clients" />
      <MutationError error={revoke.error} />
    </Panel>
  );
}

const consentColumns: Array<Column<OAuthConsent>> = [
  { header: 'User', cell: (consent) => consent.userEmail },
  { header: 'Client', cell: (consent) => consent.clientName ?? <span className="muted">unnamed</span> },
  { header: 'Virtual server', cell: (consent) => consent.virtualServerName },
  { header: 'Given', className: 'small', cell: (consent) => <RelativeTime at={consent.createdAt} /> },
];

function Consents() {
  const query = useQuery(oauthConsentQueries.list());
  const remove = useDeleteOAuthConsent();
  const actions: Column<OAuthConsent> = {
    className: 'right',
    cell: (consent) => (
      <ConfirmButton
        label="Revoke"
        title="Revoke this consent?"
        confirmLabel="Revoke consent"
        consequences={<p>The client's tokens for this person on this server stop working; they are asked to consent again next time.</p>}
        pending={remove.isPending && remove.variables === consent.id}
        error={<MutationError error={remove.error} />}
        onConfirm={() => remove.mutateAsync(consent.id)}
      />
    ),
  };
  return (
    <Panel title="Consents" count={query.data?.items.length} description="Which user let which client use which virtual server. Revoking one asks the user again next time.">
      <ResourceTable query={query} noun="consents" empty={<>No consents yet.</>} columns={[...consentColumns, actions]} />
      <MutationError error={remove.error} />
    </Panel>
  );
}

export function OAuthClientsPage() {
  return (
    <div className="stack">
      <PageHeader title="OAuth clients" description="Revoking a client ends its tokens at once; it must register again to connect." />
      <Clients />
      <Consents />
    </div>
  );
}
