import { roleCreateSchema } from '@switchboard/core/contracts/identity';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { roleQueries, useCreateRole, useDeleteRole } from '../../api/roles.ts';
import { ConfirmButton } from '../../components/confirm-button.tsx';
import { ListSearch } from '../../components/list-search.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { PageState } from '../../components/page-state.tsx';
import { Pager } from '../../components/pager.tsx';
import { Panel } from '../../components/panel.tsx';
import { MutationError } from '../../components/query-state.tsx';
import { useFormErrors } from '../../lib/use-form-errors.ts';
import { useListSearch } from '../../lib/use-list-search.ts';
import { AllowlistEditor } from './allowlist-editor.tsx';

function NewRole() {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const form = useFormErrors();
  const create = useCreateRole();
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const input = form.check(roleCreateSchema, { name: name.trim(), description: description.trim() || null });
    if (input)
      create.mutate(input, {
        onSuccess: () => {
          setName('');
          setDescription('');
        },
      });
  }
  return (
    <form className="rule-form panel-pad" onSubmit={submit} noValidate>
      <input aria-label="Role name" value={name} onChange={(e) => setName(e.target.value)} placeholder="eng" spellCheck={false} />
      <input aria-label="Role description" value={description} onChange={(e) => setDescription(e.target.value)} placeholder="Description (optional)" />
      <button type="submit" className="button primary" disabled={create.isPending}>
        Add role
      </button>
      {form.messageFor('name') && <div className="field-error">Name {form.messageFor('name')}</div>}
      <MutationError error={create.error} />
    </form>
  );
}

export function RolesPage() {
  const list = useListSearch();
  const query = useQuery({ ...roleQueries.list({ limit: 50, ...list.params }), placeholderData: keepPreviousData });
  const remove = useDeleteRole();
  const [open, setOpen] = useState<string | null>(null);
  return (
    <div className="stack">
      <PageHeader title="Roles" description="Groups of users sharing an allowlist. Identity providers can grant roles from claims (see Identity providers)." />
      <Panel title="New role">
        <NewRole />
      </Panel>
      <Panel title={list.q ? `Roles matching “${list.q}”` : 'All roles'}>
        <ListSearch label="Search roles" value={list.search} onChange={list.setSearch} placeholder="Part of a name or description" />
        <PageState query={query} noun="roles" empty={<><strong>No roles yet.</strong> Add one above.</>}>
          {(items) => (
            <ul className="role-list">
              {items.map((role) => (
                <li key={role.id}>
                  <div className="role-head">
                    <button type="button" className="button ghost" aria-expanded={open === role.id} onClick={() => setOpen(open === role.id ? null : role.id)}>
                      {open === role.id ? '▾' : '▸'} <strong>{role.name}</strong>
                    </button>
                    <span className="muted small">{role.description}</span>
                    <ConfirmButton
                      label="Delete"
                      title={`Delete role ${role.name}?`}
                      confirmLabel="Delete role"
                      typeToConfirm={role.name}
                      consequences={<p>Everyone holding this role loses what its rules allow, and its rules are deleted. This cannot be undone.</p>}
                      ariaLabel={`Delete role ${role.name}`}
                      pending={remove.isPending && remove.variables === role.id}
                      error={<MutationError error={remove.error} />}
                      onConfirm={() => remove.mutateAsync(role.id)}
                    />
                  </div>
                  {open === role.id && <AllowlistEditor subjectType="role" subjectId={role.id} subjectLabel={`role ${role.name}`} />}
                </li>
              ))}
            </ul>
          )}
        </PageState>
        <Pager page={list.pages.page} nextCursor={query.data?.nextCursor} onNext={list.pages.next} onPrevious={list.pages.previous} noun="roles" />
        <MutationError error={remove.error} />
      </Panel>
    </div>
  );
}
