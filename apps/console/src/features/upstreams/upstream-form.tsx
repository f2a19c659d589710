import type { Upstream } from '@switchboard/core/contracts/upstreams';
import { Check, Field, TextField } from '../../components/field.tsx';
import { SecretMapEditor } from '../../components/secret-map-editor.tsx';
import { errorFor, type FieldErrors } from '../../lib/form-errors.ts';
import { declaredNames, editableModes, pinnable, type UpstreamDraft } from './upstream-draft.ts';

interface UpstreamFieldsProps {
  draft: UpstreamDraft;
  onChange: (draft: UpstreamDraft) => void;
  errors: FieldErrors;
}

const transports: Array<{ value: Upstream['transport']; label: string; hint: string }> = [
  { value: 'stdio', label: 'stdio', hint: 'A local command the gateway starts' },
  { value: 'streamable-http', label: 'Streamable HTTP', hint: 'A remote server at an /mcp URL' },
  { value: 'sse', label: 'SSE (legacy)', hint: 'An older server at an /sse URL' },
];

/** The fields of an upstream, for both adding and editing. */
export function UpstreamFields({ draft, onChange, errors }: UpstreamFieldsProps) {
  const set = <K extends keyof UpstreamDraft>(key: K, value: UpstreamDraft[K]) => onChange({ ...draft, [key]: value });
  const remote = draft.transport !== 'stdio';
  return (
    <div className="form-grid">
      <fieldset className="transport-picker span-2">
        <legend>Transport</legend>
        <div className="choice-row">
          {transports.map((t) => (
            <label key={t.value} className={`choice${draft.transport === t.value ? ' selected' : ''}`}>
              <input type="radio" name="transport" value={t.value} checked={draft.transport === t.value} onChange={() => set('transport', t.value)} />
              <strong>{t.label}</strong>
              <span className="muted small">{t.hint}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <TextField
        label="Name"
        hint="Prefixes its tools (name__tool). Letters, digits, _ and -."
        error={errorFor(errors, 'name')}
        value={draft.name}
        onChange={(v) => set('name', v)}
        spellCheck={false}
        placeholder="everything"
      />
      <TextField label="Description" error={errorFor(errors, 'description')} value={draft.description} onChange={(v) => set('description', v)} placeholder="Optional" />
      {remote ? (
        <>
          <TextField
            label="URL"
            error={errorFor(errors, 'url')}
            hint={draft.transport === 'sse' ? 'The /sse endpoint' : 'The /mcp endpoint'}
            className="mono"
            value={draft.url}
            onChange={(v) => set('url', v)}
            placeholder="https://example.com/mcp"
          />
          <TextField
            label="Bearer token"
            hint={draft.bearerStored ? 'A token is stored; type to replace it.' : 'Sent as Authorization: Bearer (write-only).'}
            error={errorFor(errors, 'bearerToken')}
            type="password"
            autoComplete="new-password"
            value={draft.bearerToken}
            onChange={(v) => set('bearerToken', v)}
            placeholder={draft.bearerStored ? '•••••• stored' : 'Optional'}
          />
          <div className="span-2">
            <SecretMapEditor label="Headers" keyPlaceholder="X-Api-Key" rows={draft.headers} onChange={(rows) => set('headers', rows)} error={errorFor(errors, 'headers')} />
          </div>
        </>
      ) : (
        <>
          <TextField label="Command" error={errorFor(errors, 'command')} className="mono" value={draft.command} onChange={(v) => set('command', v)} placeholder="npx" spellCheck={false} />
          <TextField label="Working directory" error={errorFor(errors, 'cwd')} className="mono" value={draft.cwd} onChange={(v) => set('cwd', v)} placeholder="Optional" spellCheck={false} />
          <Field label="Arguments" hint="One per line." error={errorFor(errors, 'args')}>
            {(p) => (
              <textarea {...p} className="mono" rows={3} value={draft.args} onChange={(e) => set('args', e.target.value)} placeholder={'-y\n@modelcontextprotocol/server-everything'} spellCheck={false} />
            )}
          </Field>
          <div>
            <SecretMapEditor label="Environment" keyPlaceholder="API_KEY" rows={draft.env} onChange={(rows) => set('env', rows)} error={errorFor(errors, 'env')} />
          </div>
        </>
      )}
      <TextField label="Timeout (ms)" hint="Per request." error={errorFor(errors, 'timeoutMs')} inputMode="numeric" value={draft.timeoutMs} onChange={(v) => set('timeoutMs', v)} />
      {pinnable(draft) && (
        <Field label="Protocol" hint="Pin a 2025-era session if the server's 2026-07-28 support misbehaves." error={errorFor(errors, 'protocol')}>
          {(p) => (
            <select {...p} value={draft.protocol} onChange={(e) => set('protocol', e.target.value as UpstreamDraft['protocol'])}>
              <option value="auto">Automatic (2026-07-28 when offered)</option>
              <option value="legacy">2025-era session (initialize)</option>
            </select>
          )}
        </Field>
      )}
      <CredentialFields draft={draft} set={set} errors={errors} />
      <div className="checks">
        <Check checked={draft.enabled} onChange={(v) => set('enabled', v)}>
          Enabled
        </Check>
        <Check checked={draft.connectAtBoot} onChange={(v) => set('connectAtBoot', v)}>
          Connect at start (otherwise on first use)
        </Check>
      </div>
    </div>
  );
}

const MODE_LABELS: Record<string, string> = {
  shared: 'Shared: everyone reaches it with the values above',
  'per-user': "Each person's own values (user placeholders in headers/env)",
  'identity-assertion': 'Identity assertion: a JWT the gateway signs for each person',
  oauth: "Each person's OAuth account",
  'token-exchange': "Token exchange from the person's login",
};

/** Whose credentials reach the upstream, and what each mode needs. */
function CredentialFields({ draft, set, errors }: { draft: UpstreamDraft; set: <K extends keyof UpstreamDraft>(key: K, value: UpstreamDraft[K]) => void; errors: FieldErrors }) {
  const modes = (editableModes as readonly string[]).includes(draft.credentialMode) ? [...editableModes] : [...editableModes, draft.credentialMode];
  const names = declaredNames(draft);
  return (
    <>
      <Field label="Credentials" hint="Shared, or per person: each call then reaches the upstream as the person making it." error={errorFor(errors, 'credentials')}>
        {(p) => (
          <select {...p} value={draft.credentialMode} onChange={(e) => set('credentialMode', e.target.value as UpstreamDraft['credentialMode'])}>
            {modes.map((mode) => (
              <option key={mode} value={mode} disabled={mode === 'identity-assertion' && draft.transport === 'stdio'}>
                {MODE_LABELS[mode] ?? mode}
              </option>
            ))}
          </select>
        )}
      </Field>
      {draft.credentialMode === 'per-user' && (
        <p className="muted small span-2">
          {names.length > 0
            ? `Each person enters: ${names.join(', ')} (in My connections). `
            : `Write \${user:NAME} in a ${draft.transport === 'stdio' ? 'environment' : 'header'} value, e.g. Bearer \${user:API_TOKEN}. `}
          The tools are listed with the first connected person's values until a service credential is set through the API.
        </p>
      )}
      {draft.credentialMode === 'identity-assertion' && (
        <>
          <TextField label="Assertion header" hint="Authorization (default) carries Bearer <jwt>; any other header the bare JWT." error={errorFor(errors, 'credentials.header')} value={draft.assertionHeader} onChange={(v) => set('assertionHeader', v)} placeholder="Authorization" />
          <TextField label="Audience" hint="The JWT's aud; default: the upstream URL." error={errorFor(errors, 'credentials.audience')} value={draft.assertionAudience} onChange={(v) => set('assertionAudience', v)} placeholder={draft.url || 'https://…'} />
          <TextField label="Lifetime (s)" hint="30–3600; default 300, renewed before expiry." error={errorFor(errors, 'credentials.lifetimeSeconds')} inputMode="numeric" value={draft.assertionLifetime} onChange={(v) => set('assertionLifetime', v)} placeholder="300" />
        </>
      )}
    </>
  );
}
