import type { Upstream } from '@switchboard/core/contracts/upstreams';
import { Check, Field, TextField } from '../../components/field.tsx';
import { SecretMapEditor } from '../../components/secret-map-editor.tsx';
import { errorFor, type FieldErrors } from '../../lib/form-errors.ts';
import { pinnable, type UpstreamDraft } from './upstream-draft.ts';

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
