import type { AdminEventFilter } from '@switchboard/core/contracts/admin-events';
import { type FormEvent, useState } from 'react';

/** What the admin API names the objects it changes (the admin trail's `object.type`). */
const OBJECT_TYPES = [
  'upstreams',
  'virtual-servers',
  'users',
  'roles',
  'policies',
  'identity-providers',
  'api-tokens',
  'oauth-clients',
  'oauth-consents',
  'secrets',
  'config',
] as const;
const ACTIONS = ['create', 'update', 'delete', 'import', 'revoke', 'restart', 'refresh', 'rekey'] as const;

/** `datetime-local` speaks local time without a zone; the API wants ISO with an offset. */
const toIso = (local: string) => (local ? new Date(local).toISOString() : undefined);
const toLocal = (iso?: string) => {
  if (!iso) return '';
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};

/** The admin trail's filters; applied together when the form is submitted. */
export function AdminEventFilters({ value, onApply }: { value: AdminEventFilter; onApply: (f: AdminEventFilter) => void }) {
  const [actor, setActor] = useState(value.actor ?? '');
  const [objectType, setObjectType] = useState(value.objectType ?? '');
  const [objectId, setObjectId] = useState(value.objectId ?? '');
  const [action, setAction] = useState(value.action ?? '');
  const [since, setSince] = useState(toLocal(value.since));
  const [until, setUntil] = useState(toLocal(value.until));

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    onApply({
      actor: actor.trim() || undefined,
      objectType: objectType || undefined,
      objectId: objectId.trim() || undefined,
      action: action || undefined,
      since: toIso(since),
      until: toIso(until),
    });
  }

  return (
    <form className="filters panel-pad" onSubmit={submit}>
      <label>
        Who
        <input value={actor} onChange={(e) => setActor(e.target.value)} placeholder="e-mail, token name or id" />
      </label>
      <label>
        Object
        <select value={objectType} onChange={(e) => setObjectType(e.target.value)}>
          <option value="">Any</option>
          {OBJECT_TYPES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </label>
      <label>
        Object id
        <input value={objectId} onChange={(e) => setObjectId(e.target.value)} className="mono" />
      </label>
      <label>
        Action
        <select value={action} onChange={(e) => setAction(e.target.value)}>
          <option value="">Any</option>
          {ACTIONS.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </select>
      </label>
      <label>
        Since
        <input type="datetime-local" value={since} onChange={(e) => setSince(e.target.value)} />
      </label>
      <label>
        Until
        <input type="datetime-local" value={until} onChange={(e) => setUntil(e.target.value)} />
      </label>
      <div className="filter-actions">
        <button type="submit" className="button primary">
          Apply filters
        </button>
      </div>
    </form>
  );
}
