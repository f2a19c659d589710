import { userCreateSchema } from '@switchboard/core/contracts/identity';
import { useState } from 'react';
import { useCreateUser } from '../../api/users.ts';
import { Check, TextField } from '../../components/field.tsx';
import { FormModal } from '../../components/form-modal.tsx';
import { useNavigate } from '@tanstack/react-router';
import { useFormErrors } from '../../lib/use-form-errors.ts';
import { RolesField } from './role-picker.tsx';

/** Creates a user, then opens their page to set up the allowlist. */
export function NewUserModal({ onClose }: { onClose: () => void }) {
  const navigate = useNavigate();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [isAdmin, setIsAdmin] = useState(false);
  const [roles, setRoles] = useState<string[]>([]);
  const form = useFormErrors();
  const create = useCreateUser();

  function submit() {
    const input = form.check(userCreateSchema, { email: email.trim(), name: name.trim() || null, password: password || undefined, isAdmin, roles });
    if (input) create.mutate(input, { onSuccess: (user) => navigate({ to: '/users/$id', params: { id: user.id } }) });
  }

  return (
    <FormModal title="New user" onClose={onClose} className="stack-sm" onSubmit={submit} mutation={create} submitLabel="Create user" pendingLabel="Creating…">
      <TextField label="Email" error={form.messageFor('email')} type="email" value={email} onChange={setEmail} />
      <TextField label="Name" error={form.messageFor('name')} value={name} onChange={setName} placeholder="Optional" />
      <TextField
        label="Password"
        hint="Optional: without one, the user signs in through an identity provider."
        error={form.messageFor('password')}
        type="password"
        autoComplete="new-password"
        value={password}
        onChange={setPassword}
      />
      <RolesField value={roles} onChange={setRoles} />
      <Check checked={isAdmin} onChange={setIsAdmin}>
        Administrator (may use this console)
      </Check>
    </FormModal>
  );
}
