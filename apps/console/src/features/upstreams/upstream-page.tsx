import type { Upstream, UpstreamCatalogDto } from '@switchboard/core/contracts/upstreams';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { upstreamQueries, useDeleteUpstream, useRefreshUpstream, useRestartUpstream, useUpdateUpstream } from '../../api/upstreams.ts';
import { ConfirmButton } from '../../components/confirm-button.tsx';
import { DependentsNote } from '../../components/dependents-note.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { Panel } from '../../components/panel.tsx';
import { MutationError, QueryState } from '../../components/query-state.tsx';
import { RelativeTime } from '../../components/time.tsx';
import { useNavigate } from '@tanstack/react-router';
import { CatalogView } from './catalog-view.tsx';
import { EditUpstreamModal } from './edit-upstream-modal.tsx';
import { useStatusHistory } from './status-history.ts';
import { StatusPill, transportLabels } from './status-pill.tsx';

function StatusPanel({ upstream }: { upstream: Upstream }) {
  const history = useStatusHistory(upstream.status);
  const s = upstream.status;
  return (
    <Panel title="Connection">
      <dl className="facts">
        <div>
          <dt>State</dt>
          <dd>
            <StatusPill upstream={upstream} />
          </dd>
        </div>
        <div>
          <dt>Since</dt>
          <dd>{s ? <RelativeTime at={s.since} /> : '—'}</dd>
        </div>
        <div>
          <dt>Protocol</dt>
          <dd>{s?.protocolVersion ?? '—'}</dd>
        </div>
        <div>
          <dt>Restarts</dt>
          <dd>{s?.restarts ?? 0}</dd>
        </div>
        <div>
          <dt>In flight</dt>
          <dd>{s?.inFlight ?? 0}</dd>
        </div>
        <div>
          <dt title="Client sessions with their own connection (their client can be asked for input)">Isolated sessions</dt>
          <dd>{s?.isolatedSessions ?? 0}</dd>
        </div>
        <div className="fact-wide">
          <dt>Target</dt>
          {/* The whole command or URL, wrapped: clipping hid the part that was wrong. */}
          <dd className="mono small wrap-anywhere">
            {upstream.url ?? [upstream.command, ...upstream.args].join(' ')}
          </dd>
        </div>
      </dl>
      {s?.lastError && (
        <div className="callout bad">
          <strong>Last error:</strong> <span className="mono small">{s.lastError}</span>
        </div>
      )}
      {history.length > 1 && (
        <div className="history">
          <h3>Status history (while this page is open)</h3>
          <ol>
            {history.map((h) => (
              <li key={`${h.state}-${h.since}`}>
                <span className={`status-dot ${h.state}`} /> {h.state} <RelativeTime at={h.since} />
                {h.lastError && <span className="muted small"> — {h.lastError}</span>}
              </li>
            ))}
          </ol>
        </div>
      )}
    </Panel>
  );
}

function Catalog({ id }: { id: string }) {
  const catalog = useQuery(upstreamQueries.catalog(id));
  const refresh = useRefreshUpstream();
  return (
    <Panel title="Catalog" description="Tools, resources and prompts, with their schemas, as last listed.">
      <QueryState query={catalog} noun="the catalog">
        {(data) =>
          data ? (
            <CatalogView catalog={data} />
          ) : (
            <div className="state empty">
              <strong>Not listed yet.</strong> The gateway connects on first use.{' '}
              <button type="button" className="button small" onClick={() => refresh.mutate(id)} disabled={refresh.isPending}>
                {refresh.isPending ? 'Connecting…' : 'Connect and list now'}
              </button>
              <MutationError error={refresh.error} />
            </div>
          )
        }
      </QueryState>
    </Panel>
  );
}

/** What a refresh's success says, e.g. "Listed again: 16 tools." */
export function refreshOutcome(catalog: Pick<UpstreamCatalogDto, 'tools'>): string {
  return `Listed again: ${catalog.tools.length} tool${catalog.tools.length === 1 ? '' : 's'}.`;
}

function Actions({ upstream }: { upstream: Upstream }) {
  const navigate = useNavigate();
  const refresh = useRefreshUpstream();
  const restart = useRestartUpstream();
  const update = useUpdateUpstream(upstream.id);
  const remove = useDeleteUpstream();
  const [editing, setEditing] = useState(false);
  // Each action says it worked, inline next to the buttons (errors show below them).
  const [done, setDone] = useState<string | null>(null);
  const run = (start: () => void) => {
    setDone(null);
    start();
  };
  return (
    <>
      <button
        type="button"
        className="button"
        onClick={() => run(() => refresh.mutate(upstream.id, { onSuccess: (catalog) => setDone(refreshOutcome(catalog)) }))}
        disabled={refresh.isPending || !upstream.enabled}
      >
        {refresh.isPending ? 'Refreshing…' : 'Refresh'}
      </button>
      <button
        type="button"
        className="button"
        onClick={() => run(() => restart.mutate(upstream.id, { onSuccess: (status) => setDone(`Restarted: ${status.state}.`) }))}
        disabled={restart.isPending || !upstream.enabled}
      >
        {restart.isPending ? 'Restarting…' : 'Restart'}
      </button>
      <button
        type="button"
        className="button"
        onClick={() => run(() => update.mutate({ enabled: !upstream.enabled }, { onSuccess: (u) => setDone(u.enabled ? 'Enabled.' : 'Disabled.') }))}
        disabled={update.isPending}
      >
        {upstream.enabled ? 'Disable' : 'Enable'}
      </button>
      <button type="button" className="button" onClick={() => setEditing(true)}>
        Edit
      </button>
      <ConfirmButton
        large
        label="Delete"
        title={`Delete upstream ${upstream.name}?`}
        confirmLabel="Delete upstream"
        typeToConfirm={upstream.name}
        consequences={<DependentsNote kind="upstream" id={upstream.id} />}
        pending={remove.isPending}
        error={<MutationError error={remove.error} />}
        onConfirm={() => remove.mutateAsync(upstream.id).then(() => navigate({ to: '/upstreams' }))}
      />
      {editing && <EditUpstreamModal upstream={upstream} onClose={() => setEditing(false)} onSaved={() => setDone('Saved.')} />}
      <div className="action-status" role="status">
        {done && <span className="ok-text small">{done}</span>}
      </div>
      <div className="action-errors">
        <MutationError error={refresh.error ?? restart.error ?? update.error ?? remove.error} />
      </div>
    </>
  );
}

export function UpstreamPage({ id }: { id: string }) {
  const query = useQuery(upstreamQueries.detail(id));
  return (
    <QueryState query={query} noun="the upstream">
      {(upstream) => (
        <div className="stack">
          <PageHeader
            back={{ to: '/upstreams', label: 'Upstreams' }}
            title={
              <>
                {upstream.name} <span className="tag">{transportLabels[upstream.transport]}</span>
              </>
            }
            description={upstream.description}
            actions={<Actions upstream={upstream} />}
          />
          <StatusPanel upstream={upstream} />
          <Catalog id={id} />
        </div>
      )}
    </QueryState>
  );
}
