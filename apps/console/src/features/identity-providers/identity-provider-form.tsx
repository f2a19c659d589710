import {
  type IdentityProvider,
  identityProviderCreateSchema,
  identityProviderUpdateSchema,
  type RoleMapping,
} from '@switchboard/core/contracts/identity-providers';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useCreateIdentityProvider, useUpdateIdentityProvider } from '../../api/identity-providers.ts';
import { roleQueries } from '../../api/roles.ts';
import { Check, TextField } from '../../components/field.tsx';
import { FormModal } from '../../components/form-modal.tsx';
import { useFormErrors } from '../../lib/use-form-errors.ts';

function RoleMappings({ value, onChange, error }: { value: RoleMapping[]; onChange: (v: RoleMapping[]) => void; error?: string }) {
  const roles = useQuery(roleQueries.list());
  const set = (i: number, patch: Partial<RoleMapping>) => onChange(value.map((m, j) => (j === i ? { ...m, ...patch } : m)));
  return (
    <fieldset className="span-2 mappings">
      <legend>Claim → role mappings</legend>
      <p className="hint">Whoever signs in with a claim containing the value gets the role (e.g. groups contains "eng" → role eng).</p>
      {value.map((m, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity of their own
        <div key={i} className="mapping-row">
          <input aria-label={`Claim ${i + 1}`} value={m.claim} onChange={(e) => set(i, { claim: e.target.value })} placeholder="groups" />
          <span className="muted">contains</span>
          <input aria-label={`Value ${i + 1}`} value={m.value} onChange={(e) => set(i, { value: e.target.value })} placeholder="eng" />
          <span className="muted">→</span>
          <select aria-label={`Role ${i + 1}`} value={m.role} onChange={(e) => set(i, { role: e.target.value })}>
            <option value="">role…</option>
            {roles.data?.items.map((r) => (
              <option key={r.id} value={r.name}>
                {r.name}
              </option>
            ))}
          </select>
          <button type="button" className="button small ghost" onClick={() => onChange(value.filter((_, j) => j !== i))} aria-label={`Remove mapping ${i + 1}`}>
            ✕
          </button>
        </div>
      ))}
      <button type="button" className="button small" onClick={() => onChange([...value, { claim: 'groups', value: '', role: '' }])}>
        + Add mapping
      </button>
      {error && <div className="field-error">{error}</div>}
    </fieldset>
  );
}

/** Create or edit an OpenID provider; the client secret is write-only. */
export function IdentityProviderForm({ provider, onClose }: { provider?: IdentityProvider; onClose: () => void }) {
  const [f, setF] = useState({
    slug: provider?.slug ?? '',
    displayName: provider?.displayName ?? '',
    issuer: provider?.issuer ?? '',
    clientId: provider?.clientId ?? '',
    clientSecret: '',
    scopes: (provider?.scopes ?? ['openid', 'email', 'profile']).join(' '),
    emailClaim: provider?.emailClaim ?? 'email',
    nameClaim: provider?.nameClaim ?? 'name',
    groupsClaim: provider?.groupsClaim ?? 'groups',
    enabled: provider?.enabled ?? true,
    roleMappings: provider?.roleMappings ?? [],
  });
  const form = useFormErrors();
  const create = useCreateIdentityProvider();
  const update = useUpdateIdentityProvider();
  const set = <K extends keyof typeof f>(key: K, value: (typeof f)[K]) => setF((prev) => ({ ...prev, [key]: value }));

  function submit() {
    const body = { ...f, scopes: f.scopes.split(/\s+/).filter(Boolean), clientSecret: f.clientSecret || undefined };
    if (provider) {
      const patch = form.check(identityProviderUpdateSchema, body);
      if (patch) update.mutate({ id: provider.id, patch }, { onSuccess: onClose });
    } else {
      const input = form.check(identityProviderCreateSchema, body);
      if (input) create.mutate(input, { onSuccess: onClose });
    }
  }

  const text = (key: 'slug' | 'displayName' | 'issuer' | 'clientId' | 'emailClaim' | 'nameClaim' | 'groupsClaim' | 'scopes', label: string, hint?: string) => (
    <TextField label={label} hint={hint} error={form.messageFor(key)} value={f[key]} onChange={(v) => set(key, v)} spellCheck={false} />
  );
  const stored = provider?.clientSecret.hasValue;

  return (
    <FormModal
      title={provider ? `Edit ${provider.displayName}` : 'New identity provider'}
      onClose={onClose}
      wide
      onSubmit={submit}
      mutation={provider ? update : create}
      submitLabel="Save provider"
      pendingLabel="Saving…"
    >
      <div className="form-grid">
        {text('displayName', 'Display name', 'Shown on sign-in buttons.')}
        {text('slug', 'Slug', 'Names the callback URL /oauth/callback/<slug>.')}
        {text('issuer', 'Issuer URL', 'e.g. https://accounts.example.com')}
        {text('clientId', 'Client ID')}
        <TextField
          label="Client secret"
          hint={stored ? 'A secret is stored; type to replace it.' : 'Leave empty for a public client (PKCE only).'}
          error={form.messageFor('clientSecret')}
          type="password"
          autoComplete="new-password"
          value={f.clientSecret}
          onChange={(v) => set('clientSecret', v)}
          placeholder={stored ? '•••••• stored' : ''}
        />
        {text('scopes', 'Scopes', 'Separated by spaces.')}
        {text('emailClaim', 'Email claim')}
        {text('nameClaim', 'Name claim')}
        {text('groupsClaim', 'Groups claim')}
        <Check checked={f.enabled} onChange={(v) => set('enabled', v)}>
          Enabled (offered at sign-in)
        </Check>
        <RoleMappings value={f.roleMappings} onChange={(v) => set('roleMappings', v)} error={form.messageFor('roleMappings')} />
      </div>
      {provider && (
        <p className="muted small">
          Register this redirect URI at the provider: <code>{provider.callbackUrl}</code>
        </p>
      )}
    </FormModal>
  );
}
