import { describe, expect, it } from 'vitest';
import { changedFields } from './change-diff.tsx';

describe('changedFields', () => {
  it('lists only the fields that were added, removed or changed, nested paths flattened', () => {
    const before = { name: 'docs', description: null, headers: { Authorization: { hasValue: true } }, args: ['a'], enabled: true };
    const after = { name: 'docs', description: 'the docs', headers: { Authorization: { hasValue: true }, 'X-Key': { hasValue: true } }, args: ['a', 'b'], enabled: true };
    expect(changedFields(before, after)).toEqual([
      { path: 'args.1', before: undefined, after: 'b' },
      { path: 'description', before: null, after: 'the docs' },
      { path: 'headers.X-Key', before: undefined, after: '(secret set)' },
    ]);
  });

  it('shows every field of a created object as added, and of a deleted one as removed', () => {
    expect(changedFields(null, { name: 'r', tags: [] })).toEqual([
      { path: 'name', before: undefined, after: 'r' },
      { path: 'tags', before: undefined, after: '[]' },
    ]);
    expect(changedFields({ name: 'r' }, null)).toEqual([{ path: 'name', before: 'r', after: undefined }]);
  });
});
