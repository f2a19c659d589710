import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { userQueries } from '../../api/users.ts';
import { useDebounced } from '../../lib/use-debounced.ts';

/**
 * Picks a user by searching as one types (on the server: any of thousands of users),
 * instead of a select of the first page.
 */
export function UserPicker({ value, onChange, label = 'User' }: { value: string; onChange: (email: string) => void; label?: string }) {
  const [text, setText] = useState(value);
  const [open, setOpen] = useState(false);
  const q = useDebounced(text.trim());
  const results = useQuery({ ...userQueries.list({ q: q || undefined, limit: 10 }), enabled: open });
  const id = useId();
  const listId = `${id}-list`;
  const choose = (email: string) => {
    setText(email);
    setOpen(false);
    onChange(email);
  };
  return (
    <div className="picker">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="search"
        role="combobox"
        aria-expanded={open}
        aria-controls={listId}
        aria-autocomplete="list"
        autoComplete="off"
        value={text}
        placeholder="Type part of an email or name"
        onChange={(e) => {
          setText(e.target.value);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') setOpen(false);
        }}
      />
      {open && (
        <ul id={listId} className="picker-list" aria-label={`${label} matches`}>
          {results.isPending && <li className="muted small">Searching…</li>}
          {results.data?.items.length === 0 && <li className="muted small">No user matches “{q}”.</li>}
          {results.data?.items.map((u) => (
            <li key={u.id}>
              <button type="button" className="button ghost small" onClick={() => choose(u.email)}>
                {u.email}
                {u.name && <span className="muted"> · {u.name}</span>}
              </button>
            </li>
          ))}
          {results.data?.nextCursor && <li className="muted small">More match: keep typing.</li>}
        </ul>
      )}
    </div>
  );
}
