import { useQuery } from '@tanstack/react-query';
import { type DependentKind, dependentsQueries } from '../api/dependents.ts';
import { describeDependents } from '../lib/describe-dependents.ts';
import { MutationError } from './query-state.tsx';

/** What deleting the object breaks, fetched when the confirmation opens. */
export function DependentsNote({ kind, id, irreversible = 'This cannot be undone.' }: { kind: DependentKind; id: string; irreversible?: string }) {
  const query = useQuery(dependentsQueries.of(kind, id));
  if (query.isPending) return <p className="muted">Checking what depends on it…</p>;
  if (query.isError) return <MutationError error={query.error} />;
  const lines = describeDependents(kind, query.data);
  return (
    <div className={`callout ${lines.length ? "warn" : ""}`} role="note" aria-label="What will break">
      {lines.length ? (
        <ul className="consequences">
          {lines.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      ) : (
        <p>Nothing else uses it.</p>
      )}
      <p className="small">{irreversible}</p>
    </div>
  );
}
