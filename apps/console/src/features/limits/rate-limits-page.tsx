import type { RateLimit } from '@switchboard/core/contracts/rate-limits';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { rateLimitQueries, useDeleteRateLimit } from '../../api/rate-limits.ts';
import { roleQueries } from '../../api/roles.ts';
import { userQueries } from '../../api/users.ts';
import { virtualServerQueries } from '../../api/virtual-servers.ts';
import { ConfirmButton } from '../../components/confirm-button.tsx';
import { ListSearch } from '../../components/list-search.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { PageState } from '../../components/page-state.tsx';
import { Pager } from '../../components/pager.tsx';
import { Panel } from '../../components/panel.tsx';
import { MutationError } from '../../components/query-state.tsx';
import { useListSearch } from '../../lib/use-list-search.ts';
import { RateLimitForm } from './rate-limit-form.tsx';

/** "50 per second (burst 10) · 1000 per day · 4 in flight" */
function describeLimits(rule: RateLimit): string {
  const parts = [
    rule.rate && `${rule.rate.count} per ${rule.rate.per}${rule.rate.burst ? ` (burst ${rule.rate.burst})` : ''}`,
    rule.quota && `${rule.quota.count} per ${rule.quota.per}`,
    rule.concurrency && `${rule.concurrency} in flight`,
  ];
  return parts.filter(Boolean).join(' · ');
}

export function RateLimitsPage() {
  const list = useListSearch();
  const query = useQuery({ ...rateLimitQueries.list({ limit: 50, ...list.params }), placeholderData: keepPreviousData });
  const users = useQuery(userQueries.list({ limit: 200 }));
  const roles = useQuery(roleQueries.list());
  const servers = useQuery(virtualServerQueries.list({ limit: 200 }));
  const remove = useDeleteRateLimit();
  const [editing, setEditing] = useState<RateLimit | 'new' | null>(null);
  const subjectName = (rule: RateLimit) => {
    if (!rule.subject) return 'Everybody';
    const { type, id } = rule.subject;
    const name = type === 'user' ? users.data?.items.find((u) => u.id === id)?.email : roles.data?.items.find((r) => r.id === id)?.name;
    return `${type === 'user' ? 'User' : 'Role'} ${name ?? id}`;
  };
  const serverName = (id: string | null) => (id ? (servers.data?.items.find((s) => s.id === id)?.name ?? id) : 'every server');
  return (
    <div className="stack">
      <PageHeader
        title="Rate limits"
        description="Rates, quotas and caps on calls in flight, per person (or shared), for tools matching a pattern. Refused calls get a retry time and are audited as limited."
        actions={
          <button type="button" className="button primary" onClick={() => setEditing('new')}>
            New rule
          </button>
        }
      />
      <Panel title={list.q ? `Rules matching “${list.q}”` : 'All rules'}>
        <ListSearch label="Search rate limits" value={list.search} onChange={list.setSearch} placeholder="Part of a name or pattern" />
        <PageState query={query} noun="rate limits" empty={<><strong>No rate limits.</strong> Every call goes through as policy allows.</>}>
          {(items) => (
            <table className="table">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Applies to</th>
                  <th>Tools</th>
                  <th>Limits</th>
                  <th>Budget</th>
                  <th aria-label="Actions" />
                </tr>
              </thead>
              <tbody>
                {items.map((rule) => (
                  <tr key={rule.id}>
                    <td>
                      <strong>{rule.name}</strong>
                    </td>
                    <td>
                      {subjectName(rule)} on {serverName(rule.virtualServerId)}
                    </td>
                    <td>
                      <code>{rule.pattern}</code>
                    </td>
                    <td>{describeLimits(rule)}</td>
                    <td>{rule.shared ? 'shared' : 'per person'}</td>
                    <td className="nowrap">
                      <button type="button" className="button ghost" aria-label={`Edit rate limit ${rule.name}`} onClick={() => setEditing(rule)}>
                        Edit
                      </button>
                      <ConfirmButton
                        label="Delete"
                        title={`Delete rate limit ${rule.name}?`}
                        confirmLabel="Delete rule"
                        consequences={<p>Calls it limited go through again at once.</p>}
                        ariaLabel={`Delete rate limit ${rule.name}`}
                        pending={remove.isPending && remove.variables === rule.id}
                        error={<MutationError error={remove.error} />}
                        onConfirm={() => remove.mutateAsync(rule.id)}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </PageState>
        <Pager page={list.pages.page} nextCursor={query.data?.nextCursor} onNext={list.pages.next} onPrevious={list.pages.previous} noun="rate limits" />
      </Panel>
      {editing && <RateLimitForm rule={editing === 'new' ? undefined : editing} onClose={() => setEditing(null)} />}
    </div>
  );
}
