import type { ImportChange, ImportSummary } from '../../api/config-document.ts';

const kindLabels: Record<ImportChange['kind'], string> = {
  upstream: 'Upstreams',
  virtualServer: 'Virtual servers',
  user: 'Users',
  role: 'Roles',
  limit: 'Rate limits',
};
const actions = ['created', 'updated', 'deleted'] as const;
const actionLabels = { created: 'Created', updated: 'Updated', deleted: 'Deleted' } as const;

export interface DiffGroup {
  kind: ImportChange['kind'];
  label: string;
  names: Record<(typeof actions)[number], string[]>;
}

/** The summary's changes by kind, names sorted; kinds the import does not touch are left out. */
export function groupChanges(summary: ImportSummary): DiffGroup[] {
  return (Object.keys(kindLabels) as Array<ImportChange['kind']>)
    .map((kind) => {
      const names = { created: [] as string[], updated: [] as string[], deleted: [] as string[] };
      for (const c of summary.changes) if (c.kind === kind) names[c.action].push(c.name);
      for (const a of actions) names[a].sort();
      return { kind, label: kindLabels[kind], names };
    })
    .filter((g) => actions.some((a) => g.names[a].length > 0));
}

export const deletionCount = (summary: ImportSummary) => summary.changes.filter((c) => c.action === 'deleted').length;

/** Created / updated / deleted, per kind, by name (a dry run's preview or what was applied). */
export function ImportDiff({ summary }: { summary: ImportSummary }) {
  const groups = groupChanges(summary);
  const rules = summary.policies;
  return (
    <section className="import-diff" aria-label={summary.dryRun ? 'Import preview' : 'Import result'}>
      {groups.length === 0 && <p className="muted">The document names nothing.</p>}
      {groups.map((g) => (
        <div key={g.kind} className="diff-group">
          <h3>{g.label}</h3>
          <ul>
            {actions.map((a) =>
              g.names[a].length ? (
                <li key={a} className={`diff-${a}`}>
                  <strong>
                    {actionLabels[a]} ({g.names[a].length}):
                  </strong>{' '}
                  {g.names[a].join(', ')}
                </li>
              ) : null,
            )}
          </ul>
        </div>
      ))}
      {summary.keptSecrets.length > 0 && (
        <section className="kept-secrets" aria-label="Secrets kept">
          <h3>Secrets kept</h3>
          <p className="muted small">Their variable is not set, so the value the gateway already stores stays.</p>
          <ul>
            {summary.keptSecrets.map((k) => (
              <li key={`${k.upstream}:${k.secret}`} className="diff-kept">
                <strong>{k.upstream}</strong> <code>{k.secret}</code> (<code>{`\${${k.variable}}`}</code> not set)
              </li>
            ))}
          </ul>
        </section>
      )}
      {(rules.created > 0 || rules.deleted > 0) && (
        <p className="muted small">
          Access rules: {rules.created} written, {rules.deleted} replaced.
        </p>
      )}
    </section>
  );
}
