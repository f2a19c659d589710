import type { AuditFilter } from '@switchboard/core/contracts/audit-events';
import type { VirtualServer } from '@switchboard/core/contracts/virtual-servers';
import { type FormEvent, useState } from 'react';
import { ServerOptions } from '../virtual-servers/server-options.tsx';

const outcomes = ['ok', 'tool_error', 'denied', 'limited', 'upstream_failure', 'timeout'] as const;

/** `datetime-local` speaks local time without a zone; the API wants ISO with an offset. */
const toIso = (local: string) => (local ? new Date(local).toISOString() : undefined);
const toLocal = (iso?: string) => {
  if (!iso) return '';
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};

/** The audit log's filters; applied together when the form is submitted. */
export function AuditFilters({ value, servers, onApply }: { value: AuditFilter; servers: VirtualServer[]; onApply: (f: AuditFilter) => void }) {
  const [user, setUser] = useState(value.user ?? '');
  const [client, setClient] = useState(value.client ?? '');
  const [server, setServer] = useState(value.virtualServer ?? '');
  const [tool, setTool] = useState(value.tool ?? '');
  const [outcome, setOutcome] = useState(value.outcome ?? '');
  const [from, setFrom] = useState(toLocal(value.from));
  const [to, setTo] = useState(toLocal(value.to));

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    onApply({
      user: user.trim() || undefined,
      client: client.trim() || undefined,
      virtualServer: server || undefined,
      tool: tool.trim() || undefined,
      outcome: (outcome || undefined) as AuditFilter['outcome'],
      from: toIso(from),
      to: toIso(to),
    });
  }

  return (
    <form className="filters panel-pad" onSubmit={submit}>
      <label>
        User
        <input value={user} onChange={(e) => setUser(e.target.value)} placeholder="email or id" />
      </label>
      <label>
        Client
        <input value={client} onChange={(e) => setClient(e.target.value)} placeholder="part of its name, e.g. Claude" />
      </label>
      <label>
        Virtual server
        <select value={server} onChange={(e) => setServer(e.target.value)}>
          <option value="">Any</option>
          <ServerOptions servers={servers} />
        </select>
      </label>
      <label>
        Tool
        <input value={tool} onChange={(e) => setTool(e.target.value)} placeholder="part of the name" className="mono" />
      </label>
      <label>
        Outcome
        <select value={outcome} onChange={(e) => setOutcome(e.target.value)}>
          <option value="">Any</option>
          {outcomes.map((o) => (
            <option key={o} value={o}>
              {o.replace('_', ' ')}
            </option>
          ))}
        </select>
      </label>
      <label>
        From
        <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} />
      </label>
      <label>
        To
        <input type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} />
      </label>
      <div className="filter-actions">
        <button type="submit" className="button primary">
          Apply filters
        </button>
      </div>
    </form>
  );
}
