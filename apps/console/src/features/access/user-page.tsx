import type { User } from '@switchboard/core/contracts/identity';
import { userUpdateSchema } from '@switchboard/core/contracts/identity';
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { sessionQueries } from '../../api/session.ts';
import { useDeleteUser, useUpdateUser, userQueries } from '../../api/users.ts';
import { virtualServerQueries } from '../../api/virtual-servers.ts';
import { ConfirmButton } from '../../components/confirm-button.tsx';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { DependentsNote } from '../../components/dependents-note.tsx';
import { Check, TextField } from '../../components/field.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { Panel } from '../../components/panel.tsx';
import { MutationError, QueryState } from '../../components/query-state.tsx';
import { useNavigate } from '@tanstack/react-router';
import { useFormErrors } from '../../lib/use-form-errors.ts';
import { ServerOptions } from '../virtual-servers/server-options.tsx';
import { AccessPreview } from './access-preview.tsx';
import { AllowlistEditor } from './allowlist-editor.tsx';
import { RolesField } from './role-picker.tsx';
import { UserConnections } from './user-connections.tsx';
import { UserKeys } from './user-keys.tsx';

/** What a save would do to the signed-in administrator's own access, if anything. */
export function selfLockout(user: Pick<User, 'id' | 'isAdmin' | 'disabled'>, next: { isAdmin: boolean; disabled: boolean }, signedInUserId: string | undefined) {
  if (!signedInUserId || user.id !== signedInUserId) return null;
  if (next.disabled && !user.disabled) return 'You are disabling your own account: you are signed out at once and cannot sign in again.';
  if (!next.isAdmin && user.isAdmin) return 'You are removing your own Administrator flag: you lose access to this console at once.';
  return null;
}

/**
 * The form is keyed by `user.updatedAt`, so it remounts after a save: the mutation lives in
 * the page, so its "Saved." survives that.
 */
function Profile({ user, update, me }: { user: User; update: ReturnType<typeof useUpdateUser>; me: string | undefined }) {
  const [name, setName] = useState(user.name ?? '');
  const [password, setPassword] = useState('');
  const [isAdmin, setIsAdmin] = useState(user.isAdmin);
  const [disabled, setDisabled] = useState(user.disabled);
  const [roles, setRoles] = useState(user.roles);
  const [warning, setWarning] = useState<string | null>(null);
  const form = useFormErrors();

  function save() {
    const patch = form.check(userUpdateSchema, { name: name.trim() || null, isAdmin, disabled, roles, ...(password ? { password } : {}) });
    if (patch) return update.mutateAsync({ id: user.id, patch }).then(() => setPassword(''));
    return Promise.resolve();
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    update.reset();
    const lockout = selfLockout(user, { isAdmin, disabled }, me);
    if (lockout) setWarning(lockout);
    else void save().catch(() => {}); // shown by MutationError
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
        {update.isSuccess && (
          <span className="ok-text small" role="status">
            Saved.
          </span>
        )}
        <button type="submit" className="button primary" disabled={update.isPending}>
          {update.isPending ? 'Saving…' : 'Save'}
        </button>
      </div>
      {warning && (
        <ConfirmDialog
          title="Lock yourself out?"
          confirmLabel="Save anyway"
          pending={update.isPending}
          error={<MutationError error={update.error} />}
          onCancel={() => setWarning(null)}
          onConfirm={() => {
            save().then(
              () => setWarning(null),
              () => {},
            );
          }}
        >
          <p className="callout warn">{warning}</p>
        </ConfirmDialog>
      )}
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
  const navigate = useNavigate();
  const query = useQuery(userQueries.detail(id));
  const me = useQuery(sessionQueries.current()).data?.user?.id;
  const remove = useDeleteUser();
  const update = useUpdateUser();
  return (
    <QueryState query={query} noun="the user">
      {(user) => (
        <div className="stack">
          <PageHeader
            back={{ to: '/users', label: 'Users' }}
            title={user.email}
            description={user.name}
            actions={
              <ConfirmButton
                large
                label="Delete user"
                title={`Delete user ${user.email}?`}
                confirmLabel="Delete user"
                typeToConfirm={user.email}
                consequences={
                  <>
                    {user.id === me && <p className="callout warn">This is you: you are signed out at once.</p>}
                    <DependentsNote kind="user" id={user.id} irreversible="Their rules, consents and connections are deleted. This cannot be undone." />
                  </>
                }
                pending={remove.isPending}
                error={<MutationError error={remove.error} />}
                onConfirm={() => remove.mutateAsync(user.id).then(() => navigate({ to: '/users' }))}
              />
            }
          />
          <Panel title="Profile">
            <Profile key={user.updatedAt} user={user} update={update} me={me} />
          </Panel>
          <Panel title="Allowlist" description="Tools this user may use, beyond what their roles allow.">
            <div className="panel-pad">
              <AllowlistEditor subjectType="user" subjectId={user.id} subjectLabel={user.email} />
            </div>
          </Panel>
          <UserConnections userId={user.id} email={user.email} />
          <UserKeys userId={user.id} email={user.email} />
          <PreviewOnServer user={user} />
        </div>
      )}
    </QueryState>
  );
}
