import { type Policy, policyCreateSchema } from '@switchboard/core/contracts/policies';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { policyQueries, useCreatePolicy, useDeletePolicy } from '../../api/policies.ts';
import { virtualServerQueries } from '../../api/virtual-servers.ts';
import { ConfirmButton } from '../../components/confirm-button.tsx';
import type { Column } from '../../components/data-table.tsx';
import { ListSearch } from '../../components/list-search.tsx';
import { Pager } from '../../components/pager.tsx';
import { MutationError } from '../../components/query-state.tsx';
import { ResourceTable } from '../../components/resource-table.tsx';
import { useFormErrors } from '../../lib/use-form-errors.ts';
import { useListSearch } from '../../lib/use-list-search.ts';
import { ServerOptions } from '../virtual-servers/server-options.tsx';
import { PatternHelp } from './pattern-help.tsx';

const RULES_PER_PAGE = 50;

interface AllowlistEditorProps {
  subjectType: 'user' | 'role';
  subjectId: string;
  /** For messages: "alice@example.com", "role eng". */
  subjectLabel: string;
}

/** The allow/deny rules of one user or role: list, add (validated with the policy contract), remove. */
export function AllowlistEditor({ subjectType, subjectId, subjectLabel }: AllowlistEditorProps) {
  const list = useListSearch();
  const rules = useQuery({ ...policyQueries.list({ subjectId, limit: RULES_PER_PAGE, ...list.params }), placeholderData: keepPreviousData });
  // Most subjects have a handful of rules: the search appears once they fill more than a page.
  const searchable = Boolean(list.search || list.pages.page > 1 || rules.data?.nextCursor);
  const servers = useQuery(virtualServerQueries.list({ limit: 200 }));
  const create = useCreatePolicy();
  const remove = useDeletePolicy();
  const [pattern, setPattern] = useState('');
  const [effect, setEffect] = useState<'allow' | 'deny'>('allow');
  const [kind, setKind] = useState<'tool' | 'resource' | 'prompt'>('tool');
  const [server, setServer] = useState('');
  const form = useFormErrors();
  const serverName = (id: string | null) => (id ? (servers.data?.items.find((s) => s.id === id)?.name ?? 'a removed server') : 'every server');
  const columns: Array<Column<Policy>> = [
    { header: 'Effect', cell: (rule) => <span className={`pill ${rule.effect === 'allow' ? 'on' : 'bad'}`}>{rule.effect}</span> },
    { header: 'Pattern', cell: (rule) => <code>{rule.pattern}</code> },
    { header: 'Kind', cell: (rule) => rule.kind },
    { header: 'Where', cell: (rule) => serverName(rule.virtualServerId) },
    {
      className: 'right',
      cell: (rule) => (
        <ConfirmButton
          label="Remove"
          title={`Remove rule ${rule.pattern}?`}
          confirmLabel="Remove rule"
          consequences={<p>{rule.effect === 'allow' ? `Tools matching ${rule.pattern} are no longer allowed by this rule.` : `Tools matching ${rule.pattern} are no longer denied by this rule.`} Open sessions follow at once.</p>}
          ariaLabel={`Remove rule ${rule.pattern}`}
          pending={remove.isPending && remove.variables === rule.id}
          error={<MutationError error={remove.error} />}
          onConfirm={() => remove.mutateAsync(rule.id)}
        />
      ),
    },
  ];

  function add(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const input = form.check(policyCreateSchema, { subjectType, subjectId, effect, kind, pattern: pattern.trim(), virtualServerId: server || null });
    if (input) create.mutate(input, { onSuccess: () => setPattern('') });
  }

  return (
    <div className="allowlist">
      {searchable && <ListSearch label={`Search rules of ${subjectLabel}`} value={list.search} onChange={list.setSearch} placeholder="Part of a pattern" />}
      <ResourceTable
        query={rules}
        noun="rules"
        empty={list.q ? <>No rule matches “{list.q}”.</> : <>No rules for {subjectLabel} yet: without one, each server's default applies.</>}
        columns={columns}
      />
      <Pager page={list.pages.page} nextCursor={rules.data?.nextCursor} onNext={list.pages.next} onPrevious={list.pages.previous} noun={`rules of ${subjectLabel}`} />
      <form className="rule-form" onSubmit={add} noValidate>
        <select aria-label="Effect" value={effect} onChange={(e) => setEffect(e.target.value as 'allow' | 'deny')}>
          <option value="allow">Allow</option>
          <option value="deny">Deny</option>
        </select>
        <input
          aria-label="Pattern"
          aria-invalid={form.messageFor('pattern') ? true : undefined}
          className="mono"
          value={pattern}
          onChange={(e) => setPattern(e.target.value)}
          placeholder="upstream:tool, e.g. everything:echo"
          spellCheck={false}
        />
        <select aria-label="Kind" value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}>
          <option value="tool">tools</option>
          <option value="prompt">prompts</option>
          <option value="resource">resources</option>
        </select>
        <select aria-label="Virtual server" value={server} onChange={(e) => setServer(e.target.value)}>
          <option value="">on every server</option>
          <ServerOptions servers={servers.data?.items} label={(s) => `on ${s.name}`} />
        </select>
        <button type="submit" className="button primary" disabled={create.isPending}>
          Add rule
        </button>
      </form>
      {form.messageFor('pattern') && <div className="field-error">Pattern {form.messageFor('pattern')}</div>}
      <MutationError error={create.error ?? remove.error} />
      <PatternHelp />
    </div>
  );
}
