import { getRouteApi, useNavigate } from '@tanstack/react-router';
import type { AdminEvent, AdminEventFilter } from '@switchboard/core/contracts/admin-events';
import { useQuery } from '@tanstack/react-query';
import { adminEventQueries, useExportAdminEvents } from '../../api/admin-events.ts';
import { type Column, DataTable } from '../../components/data-table.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { Panel } from '../../components/panel.tsx';
import { MutationError, QueryState } from '../../components/query-state.tsx';
import { RelativeTime } from '../../components/time.tsx';
import { AdminEventFilters } from './admin-event-filters.tsx';
import { ChangeDiff } from './change-diff.tsx';
import { adminChangesSearch } from '../../routing/search.ts';
import { ExportButtons } from '../../components/export-buttons.tsx';
import { Pager } from '../../components/pager.tsx';
import { useCursorPages } from '../../lib/cursor-pages.ts';

/** The filter lives in the URL: typed by the route (routing/route-tree.tsx). */
const route = getRouteApi('/admin-changes');
const PAGE_SIZE = 50;
const ACTOR_KINDS = { token: 'API token', person: 'Console', 'config-file': 'Config file' } as const;

function Actor({ event: e }: { event: AdminEvent }) {
  return (
    <>
      {e.actor.name}
      <div className="muted small">{ACTOR_KINDS[e.actor.kind]}</div>
    </>
  );
}

function ChangedObject({ event: e }: { event: AdminEvent }) {
  return (
    <>
      {e.object.name ?? <span className="muted">{e.object.id ? `${e.object.id.slice(0, 8)}…` : e.object.type}</span>}
      <div className="muted small">{e.object.type}</div>
    </>
  );
}

function Changes({ event: e }: { event: AdminEvent }) {
  if (e.before == null && e.after == null) return <span className="muted small">—</span>;
  return (
    <details className="payload">
      <summary className="small">Before / after</summary>
      <ChangeDiff before={e.before} after={e.after} />
    </details>
  );
}

/** Who changed what in the gateway's configuration: every change through the API, the console or the config file. */
export function AdminEventsPage() {
  const filter = route.useSearch({ select: adminChangesSearch }) as AdminEventFilter;
  const navigate = useNavigate({ from: '/admin-changes' });
  const pages = useCursorPages();
  const page = useQuery(adminEventQueries.page({ ...filter, limit: PAGE_SIZE, cursor: pages.cursor }));
  const exporter = useExportAdminEvents();

  const columns: Array<Column<AdminEvent>> = [
    { header: 'When', className: 'small nowrap', cell: (e) => <RelativeTime at={e.occurredAt} /> },
    { header: 'Who', className: 'small', cell: (e) => <Actor event={e} /> },
    { header: 'Action', cell: (e) => <span className="pill">{e.action}</span> },
    { header: 'Object', cell: (e) => <ChangedObject event={e} /> },
    { header: 'Changes', cell: (e) => <Changes event={e} /> },
  ];

  const apply = (next: AdminEventFilter) => {
    pages.reset();
    void navigate({ search: next as ReturnType<typeof route.useSearch>, replace: true });
  };

  return (
    <div className="stack">
      <PageHeader
        title="Admin changes"
        description="Every change to the gateway's configuration — through the console, the admin API or the configuration file: who, when, and what it was before and after. Secrets are never shown."
        actions={<ExportButtons busy={exporter.isPending} onExport={(format) => exporter.mutate({ filter, format })} />}
      />
      <MutationError error={exporter.error} />
      <Panel title="Filters">
        <AdminEventFilters key={JSON.stringify(filter)} value={filter} onApply={apply} />
      </Panel>
      <Panel title="Changes" description="Newest first.">
        <QueryState query={page} noun="admin changes">
          {(data) =>
            data.items.length === 0 ? (
              <div className="state empty">
                <strong>No changes{Object.keys(filter).length ? ' match these filters' : ' yet'}.</strong> Changes appear here as administrators make them.
              </div>
            ) : (
              <>
                <DataTable className="table admin-events-table" columns={columns} rows={data.items} rowKey={(e) => e.seq} />
                <Pager page={pages.page} nextCursor={data.nextCursor} onNext={pages.next} onPrevious={pages.previous} noun="admin changes" newestFirst />
              </>
            )
          }
        </QueryState>
      </Panel>
    </div>
  );
}
