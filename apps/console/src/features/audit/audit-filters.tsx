import type { AuditFilter } from '@switchboard/core/contracts/audit-events';
import type { VirtualServer } from '@switchboard/core/contracts/virtual-servers';
import { useState } from 'react';
import { AnyOf, FilterForm, LocalTimeInput } from '../../components/filter-form.tsx';
import { isoToLocalInput, localInputToIso } from '../../lib/local-time.ts';
import { ServerOptions } from '../virtual-servers/server-options.tsx';

const outcomes = ['ok', 'tool_error', 'denied', 'limited', 'upstream_failure', 'timeout'] as const;

/** The audit log's filters; applied together when the form is submitted. */
export function AuditFilters({ value, servers, onApply }: { value: AuditFilter; servers: VirtualServer[]; onApply: (f: AuditFilter) => void }) {
  const [user, setUser] = useState(value.user ?? '');
  const [client, setClient] = useState(value.client ?? '');
  const [server, setServer] = useState(value.virtualServer ?? '');
  const [tool, setTool] = useState(value.tool ?? '');
  const [outcome, setOutcome] = useState(value.outcome ?? '');
  const [from, setFrom] = useState(isoToLocalInput(value.from));
  const [to, setTo] = useState(isoToLocalInput(value.to));

  const apply = () =>
    onApply({
      user: user.trim() || undefined,
      client: client.trim() || undefined,
      virtualServer: server || undefined,
      tool: tool.trim() || undefined,
      outcome: (outcome || undefined) as AuditFilter['outcome'],
      from: localInputToIso(from),
      to: localInputToIso(to),
    });

  return (
    <FilterForm onApply={apply}>
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
      <AnyOf label="Outcome" value={outcome} onChange={setOutcome} options={outcomes} show={(o) => o.replace('_', ' ')} />
      <LocalTimeInput label="From" value={from} onChange={setFrom} />
      <LocalTimeInput label="To" value={to} onChange={setTo} />
    </FilterForm>
  );
}
