import type { AdminEventFilter } from '@switchboard/core/contracts/admin-events';
import { useState } from 'react';
import { AnyOf, FilterForm, LocalTimeInput } from '../../components/filter-form.tsx';
import { isoToLocalInput, localInputToIso } from '../../lib/local-time.ts';

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

/** The admin trail's filters; applied together when the form is submitted. */
export function AdminEventFilters({ value, onApply }: { value: AdminEventFilter; onApply: (f: AdminEventFilter) => void }) {
  const [actor, setActor] = useState(value.actor ?? '');
  const [objectType, setObjectType] = useState(value.objectType ?? '');
  const [objectId, setObjectId] = useState(value.objectId ?? '');
  const [action, setAction] = useState(value.action ?? '');
  const [since, setSince] = useState(isoToLocalInput(value.since));
  const [until, setUntil] = useState(isoToLocalInput(value.until));

  const apply = () =>
    onApply({
      actor: actor.trim() || undefined,
      objectType: objectType || undefined,
      objectId: objectId.trim() || undefined,
      action: action || undefined,
      since: localInputToIso(since),
      until: localInputToIso(until),
    });

  return (
    <FilterForm onApply={apply}>
      <label>
        Who
        <input value={actor} onChange={(e) => setActor(e.target.value)} placeholder="e-mail, token name or id" />
      </label>
      <AnyOf label="Object" value={objectType} onChange={setObjectType} options={OBJECT_TYPES} />
      <label>
        Object id
        <input value={objectId} onChange={(e) => setObjectId(e.target.value)} className="mono" />
      </label>
      <AnyOf label="Action" value={action} onChange={setAction} options={ACTIONS} />
      <LocalTimeInput label="Since" value={since} onChange={setSince} />
      <LocalTimeInput label="Until" value={until} onChange={setUntil} />
    </FilterForm>
  );
}
