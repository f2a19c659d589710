import type { User } from '@switchboard/core/contracts/identity';
import { userUpdateSchema } from '@switchboard/core/contracts/identity';
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useDeleteUser, useUpdateUser, userQueries } from '../../api/users.ts';
import { virtualServerQueries } from '../../api/virtual-servers.ts';
import { ConfirmButton } from '../../components/confirm-button.tsx';
import { Check, TextField } from '../../components/field.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { Panel } from '../../components/panel.tsx';
import { MutationError, QueryState } from '../../components/query-state.tsx';
import { navigate } from '../../lib/router.tsx';
import { useFormErrors } from '../../lib/use-form-errors.ts';
import { ServerOptions } from '../virtual-servers/server-options.tsx';
import { AccessPreview } from './access-preview.tsx';
import { AllowlistEditor } from './allowlist-editor.tsx';
import { RolesField } from './role-picker.tsx';

function Profile({ user }: { user: User }) {
  const [name, setName] = useState(user.name ?? '');
  const [password, setPassword] = useState('');
  const [isAdmin, setIsAdmin] = useState(user.isAdmin);
  const [disabled, setDisabled] = useState(user.disabled);
  const [roles, setRoles] = useState(user.roles);
  const form = useFormErrors();
  const update = useUpdateUser();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const patch = form.check(userUpdateSchema, { name: name.trim() || null, isAdmin, disabled, roles, ...(password ? { password } : {}) });
    if (patch) update.mutate({ id: user.id, patch }, { onSuccess: () => setPassword('') });
  }

  return (
    <form className="form-grid panel-pad" onSubmit={submit} noValidate>
      <TextField label="Name" error={form.messageFor('name')} value={name} onChange={setName} />
      <TextField
        label="New password"
        hint={user.hasPassword ? 'Leave empty to keep the current one.' : 'Set one to allow local sign-in.'}
        error={form.messageFor('password')}
        type="password"
        autoComplete="new-password"
        value={password}
        onChange={setPassword}
      />
      <RolesField wide value={roles} onChange={setRoles} />
      <div className="checks">
        <Check checked={isAdmin} onChange={setIsAdmin}>
          Administrator
        </Check>
        <Check checked={disabled} onChange={setDisabled}>
          Disabled (signed out everywhere)
        </Check>
      </div>
      <div className="form-actions span-2">
        <MutationError error={update.error} />
        {update.isSuccess && <span className="ok-text small">Saved.</span>}
        <button type="submit" className="button primary" disabled={update.isPending}>
          {update.isPending ? 'Saving…' : 'Save'}
        </button>
      </div>
    </form>
  );
}

function PreviewOnServer({ user }: { user: User }) {
  const servers = useQuery(virtualServerQueries.list({ limit: 200 }));
  const [serverId, setServerId] = useState('');
  const chosen = servers.data?.items.find((s) => s.id === serverId) ?? servers.data?.items[0];
  return (
    <Panel title="Access preview" description="What this user may see and call, and which rule decided.">
      <div className="filters panel-pad">
        <label>
          On virtual server
          <select value={chosen?.id ?? ''} onChange={(e) => setServerId(e.target.value)} aria-label="Preview on virtual server">
            <ServerOptions servers={servers.data?.items} />
          </select>
        </label>
      </div>
      {chosen ? <AccessPreview serverId={chosen.id} serverName={chosen.name} user={user.email} /> : <div className="state empty">No virtual servers yet.</div>}
    </Panel>
  );
}

export function UserPage({ id }: { id: string }) {
  const query = useQuery(userQueries.detail(id));
  const remove = useDeleteUser();
  return (
    <QueryState query={query} noun="the user">
      {(user) => (
        <div className="stack">
          <PageHeader
            back={{ to: '/users', label: 'Users' }}
            title={user.email}
            description={user.name}
            actions={<ConfirmButton large label="Delete user" confirmLabel="Delete for good" pending={remove.isPending} onConfirm={() => remove.mutate(user.id, { onSuccess: () => navigate('/users') })} />}
          />
          <MutationError error={remove.error} />
          <Panel title="Profile">
            <Profile key={user.updatedAt} user={user} />
          </Panel>
          <Panel title="Allowlist" description="Tools this user may use, beyond what their roles allow.">
            <div className="panel-pad">
              <AllowlistEditor subjectType="user" subjectId={user.id} subjectLabel={user.email} />
            </div>
          </Panel>
          <PreviewOnServer user={user} />
        </div>
      )}
    </QueryState>
  );
}
