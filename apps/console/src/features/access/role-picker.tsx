import { useQuery } from '@tanstack/react-query';
import { roleQueries } from '../../api/roles.ts';

/** Checkboxes for every role; `value` holds role names. */
export function RolePicker({ value, onChange }: { value: string[]; onChange: (roles: string[]) => void }) {
  const roles = useQuery(roleQueries.list());
  if (roles.isPending) return <span className="muted small">Loading roles…</span>;
  if (roles.isError) return <span className="bad-text small">Could not load roles: {roles.error.message}</span>;
  if (roles.data.items.length === 0) return <span className="muted small">No roles yet (create them under Roles).</span>;
  return (
    <div className="chips">
      {roles.data.items.map((role) => (
        <label key={role.id} className={`chip toggle${value.includes(role.name) ? ' on' : ''}`}>
          <input
            type="checkbox"
            checked={value.includes(role.name)}
            onChange={(e) => onChange(e.target.checked ? [...value, role.name] : value.filter((r) => r !== role.name))}
          />
          {role.name}
        </label>
      ))}
    </div>
  );
}

/** The "Roles" row of a user form; `wide` spans both columns of a form grid. */
export function RolesField({ value, onChange, wide }: { value: string[]; onChange: (roles: string[]) => void; wide?: boolean }) {
  return (
    <div className={wide ? 'field span-2' : 'field'}>
      <span className="label">Roles</span>
      <RolePicker value={value} onChange={onChange} />
    </div>
  );
}
