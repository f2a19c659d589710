import { describe, expect, it } from 'vitest';
import { deletionCount, groupChanges } from './import-diff.tsx';

const counts = { created: 0, updated: 0, deleted: 0 };

describe('import diff', () => {
  it('groups the changes by kind and action, names sorted, untouched kinds left out', () => {
    const summary = {
      upstreams: counts,
      virtualServers: counts,
      users: counts,
      roles: counts,
      policies: counts,
      limits: counts,
      dryRun: true,
      warnings: [],
      keptSecrets: [],
      changes: [
        { kind: 'upstream', name: 'legacy', action: 'deleted' },
        { kind: 'upstream', name: 'docs', action: 'deleted' },
        { kind: 'upstream', name: 'everything', action: 'updated' },
        { kind: 'virtualServer', name: 'solo', action: 'created' },
      ] as const,
    };
    const groups = groupChanges({ ...summary, changes: [...summary.changes] });
    expect(groups.map((g) => g.label)).toEqual(['Upstreams', 'Virtual servers']);
    expect(groups[0]!.names).toEqual({ created: [], updated: ['everything'], deleted: ['docs', 'legacy'] });
    expect(deletionCount({ ...summary, changes: [...summary.changes] })).toBe(2);
  });
});
