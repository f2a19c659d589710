import type { AuditEvent, AuditFilter } from '@switchboard/core/contracts/audit-events';
import { useQuery } from '@tanstack/react-query';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { auditQueries, useExportAuditEvents } from '../../api/audit-events.ts';
import { virtualServerQueries } from '../../api/virtual-servers.ts';
import { type Column, DataTable } from '../../components/data-table.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { Panel } from '../../components/panel.tsx';
import { MutationError, QueryState } from '../../components/query-state.tsx';
import { RelativeTime } from '../../components/time.tsx';
import { auditSearch } from '../../routing/search.ts';
import { AuditFilters } from './audit-filters.tsx';
import { errorDetail, formatDuration } from './error-detail.ts';
import { OutcomePill } from './outcome-pill.tsx';
import { ExportButtons } from '../../components/export-buttons.tsx';
import { Pager } from '../../components/pager.tsx';
import { useCursorPages } from '../../lib/cursor-pages.ts';

function Call({ event: e }: { event: AuditEvent }) {
  return (
    <>
      <code>{e.exposedName}</code>
      <div className="muted small">
        {e.kind}
        {e.upstreamName && ` · ${e.upstreamName}:${e.upstreamItem}`}
      </div>
      {(e.arguments != null || e.result != null) && (
        <details className="payload">
          <summary className="small">Arguments and result</summary>
          <pre>{JSON.stringify({ arguments: e.arguments, result: e.result }, null, 2)}</pre>
        </details>
      )}
    </>
  );
}

/** The filter lives in the URL (`/audit?client=…&tool=…`): typed by the route (routing/route-tree.tsx). */
const route = getRouteApi('/audit');
const PAGE_SIZE = 50;
const LIVE_INTERVAL_MS = 3000;

export function AuditPage() {
  const filter = route.useSearch({ select: auditSearch }) as AuditFilter;
  const navigate = useNavigate({ from: '/audit' });
  const pages = useCursorPages();
  // Live tail: the newest page is asked for again every few seconds (older pages stay put).
  const [live, setLive] = useState(false);
  const tailing = live && pages.page === 1;
  const page = useQuery({ ...auditQueries.page({ ...filter, limit: PAGE_SIZE, cursor: pages.cursor }), refetchInterval: tailing ? LIVE_INTERVAL_MS : false });
  const servers = useQuery(virtualServerQueries.list({ limit: 200 }));
  const exporter = useExportAuditEvents();
  const serverName = (id: string) => servers.data?.items.find((s) => s.id === id)?.name ?? `${id.slice(0, 8)}…`;

  const columns: Array<Column<AuditEvent>> = [
    { header: 'When', className: 'small nowrap', cell: (e) => <RelativeTime at={e.occurredAt} /> },
    {
      header: 'Who',
      className: 'small',
      cell: (e) => (
        <>
          {e.userEmail ?? <span className="muted">{e.userId ? `${e.userId.slice(0, 8)}…` : 'anonymous'}</span>}
          {e.clientId && (
            <div className="muted small truncate" title={e.clientId}>
              {e.clientName ?? e.clientId}
            </div>
          )}
        </>
      ),
    },
    { header: 'Server', className: 'small', cell: (e) => serverName(e.virtualServerId) },
    { header: 'Call', cell: (e) => <Call event={e} /> },
    {
      header: 'Outcome',
      cell: (e) => {
        const detail = errorDetail(e);
        return (
          <>
            <OutcomePill outcome={e.outcome} /> <span className="small nowrap">{formatDuration(e.durationMs)}</span>
            {detail && <div className="small error-detail">{detail}</div>}
            {e.errorCode && <code className="muted small">{e.errorCode}</code>}
          </>
        );
      },
    },
  ];

  const apply = (next: AuditFilter) => {
    pages.reset();
    void navigate({ search: next as ReturnType<typeof route.useSearch>, replace: true });
  };

  return (
    <div className="stack">
      <PageHeader
        title="Audit log"
        description="Every tool call, prompt and resource read through a virtual server: who, what, and how it went."
        actions={<ExportButtons busy={exporter.isPending} onExport={(format) => exporter.mutate({ filter, format })} />}
      />
      <MutationError error={exporter.error} />
      <Panel title="Filters">
        <AuditFilters key={JSON.stringify(filter)} value={filter} servers={servers.data?.items ?? []} onApply={apply} />
      </Panel>
      <Panel title="Events" description={tailing ? `Live: newest first, checked every ${LIVE_INTERVAL_MS / 1000} s.` : 'Newest first.'}>
        <div className="panel-pad row">
          <label className="check">
            <input type="checkbox" checked={live} onChange={(e) => setLive(e.target.checked)} /> Live tail
          </label>
          {live && !tailing && <span className="muted small">Live tail follows the first page: go back to it to see new events.</span>}
        </div>
        <QueryState query={page} noun="audit events">
          {(data) =>
            data.items.length === 0 ? (
              <div className="state empty">
                <strong>No events{Object.keys(filter).length ? ' match these filters' : ' yet'}.</strong> Calls appear here as clients use virtual servers.
              </div>
            ) : (
              <>
                <DataTable className="table audit-table" columns={columns} rows={data.items} rowKey={(e) => e.seq} />
                <Pager page={pages.page} nextCursor={data.nextCursor} onNext={pages.next} onPrevious={pages.previous} noun="audit events" newestFirst />
              </>
            )
          }
        </QueryState>
      </Panel>
    </div>
  );
}
