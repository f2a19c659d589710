import type { FormEvent, ReactNode } from 'react';

/** A log's filters: fields applied together when the form is submitted. */
export function FilterForm({ onApply, children }: { onApply: () => void; children: ReactNode }) {
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    onApply();
  };
  return (
    <form className="filters panel-pad" onSubmit={submit}>
      {children}
      <div className="filter-actions">
        <button type="submit" className="button primary">
          Apply filters
        </button>
      </div>
    </form>
  );
}

/** A labelled choice among `options`, or "Any" (the empty value). */
export function AnyOf({ label, value, onChange, options, show = (o) => o }: { label: string; value: string; onChange: (value: string) => void; options: readonly string[]; show?: (option: string) => string }) {
  return (
    <label>
      {label}
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">Any</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {show(o)}
          </option>
        ))}
      </select>
    </label>
  );
}

/** A labelled local date and time (`datetime-local`); the value is as that input speaks it (see lib/local-time.ts). */
export function LocalTimeInput({ label, value, onChange }: { label: string; value: string; onChange: (value: string) => void }) {
  return (
    <label>
      {label}
      <input type="datetime-local" value={value} onChange={(e) => onChange(e.target.value)} />
    </label>
  );
}
