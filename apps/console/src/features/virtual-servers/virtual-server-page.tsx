import type { VirtualServer } from '@switchboard/core/contracts/virtual-servers';
import { useQuery } from '@tanstack/react-query';
import { useDeleteVirtualServer, virtualServerQueries } from '../../api/virtual-servers.ts';
import { ConfirmButton } from '../../components/confirm-button.tsx';
import { DependentsNote } from '../../components/dependents-note.tsx';
import { type Column, DataTable } from '../../components/data-table.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { Panel } from '../../components/panel.tsx';
import { MutationError, QueryState } from '../../components/query-state.tsx';
import { Link, useNavigate } from '@tanstack/react-router';
import { ConnectPanel } from './connect-panel.tsx';
import { authLabels } from './virtual-servers-page.tsx';

const entryColumns: Array<Column<VirtualServer['entries'][number]>> = [
  { header: 'Upstream', cell: (e) => e.upstreamName },
  { header: 'What', cell: (e) => (e.kind === 'upstream' ? <span className="muted">everything it offers</span> : <code>{e.name}</code>) },
  {
    header: 'Exposed as',
    cell: (e) => (
      <>
        {e.exposedName ? <code>{e.exposedName}</code> : <span className="muted">default name</span>}
        {e.description && <div className="muted small">{e.description}</div>}
      </>
    ),
  },
];

export function VirtualServerPage({ id }: { id: string }) {
  const navigate = useNavigate();
  const query = useQuery(virtualServerQueries.detail(id));
  const remove = useDeleteVirtualServer();
  return (
    <QueryState query={query} noun="the virtual server">
      {(server) => (
        <div className="stack">
          <PageHeader
            back={{ to: '/virtual-servers', label: 'Virtual servers' }}
            title={
              <>
                {server.name} {!server.enabled && <span className="pill off">Disabled</span>}
              </>
            }
            description={server.description}
            actions={
              <>
                <Link className="button" to="/playground" search={{ server: server.id }}>
                  Try in playground
                </Link>
                <Link className="button" to="/access" search={{ server: server.id }}>
                  Access preview
                </Link>
                <Link className="button primary" to="/virtual-servers/$id/edit" params={{ id: server.id }}>
                  Edit
                </Link>
                <ConfirmButton
                  large
                  label="Delete"
                  title={`Delete virtual server ${server.name}?`}
                  confirmLabel="Delete virtual server"
                  typeToConfirm={server.name}
                  consequences={<DependentsNote kind="virtualServer" id={server.id} irreversible="Its URL stops answering and every consent for it is removed. This cannot be undone." />}
                  pending={remove.isPending}
                  error={<MutationError error={remove.error} />}
                  onConfirm={() => remove.mutateAsync(server.id).then(() => navigate({ to: '/virtual-servers' }))}
                />
              </>
            }
          />
          <MutationError error={remove.error} />
          <ConnectPanel server={server} />
          <Panel title="What it exposes" count={server.entries.length}>
            <dl className="facts">
              <div>
                <dt>Tool names</dt>
                <dd>{server.prefixMode === 'always' ? 'upstream__tool' : 'the tools’ own names'}</dd>
              </div>
              <div>
                <dt>Resource URIs</dt>
                <dd>{server.resourceUris === 'namespaced' ? 'switchboard://upstream/uri' : 'as the upstreams list them'}</dd>
              </div>
              <div>
                <dt>Auth</dt>
                <dd>{authLabels[server.authMode]}</dd>
              </div>
              <div>
                <dt>Without a rule</dt>
                <dd>{server.defaultAccess === 'allow' ? 'allowed' : 'denied'}</dd>
              </div>
              <div>
                <dt>Audit log</dt>
                <dd>{server.auditPayloads ? 'calls with payloads' : 'calls only'}</dd>
              </div>
            </dl>
            {server.entries.length === 0 ? (
              <div className="state empty">Nothing yet: edit the server to add upstreams or tools.</div>
            ) : (
              <DataTable columns={entryColumns} rows={server.entries} rowKey={(e) => `${e.upstreamId}/${e.kind}/${e.name}`} />
            )}
          </Panel>
        </div>
      )}
    </QueryState>
  );
}
