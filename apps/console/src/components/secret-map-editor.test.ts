import { describe, expect, it } from 'vitest';
import { createMap, patchMap, rowsFromStored } from './secret-map-editor.tsx';

describe('secret map rows', () => {
  it('creates from every named row', () => {
    expect(createMap([{ key: ' A ', value: '1', stored: false }, { key: '', value: 'x', stored: false }])).toEqual({ A: '1' });
  });

  it('patches only what changed: set, replace, remove; untouched stored values stay out', () => {
    const rows = rowsFromStored({ KEEP: { hasValue: true }, REPLACE: { hasValue: true }, DROP: { hasValue: true } });
    rows[1]!.value = 'new';
    rows[2]!.removed = true;
    rows.push({ key: 'ADDED', value: 'v', stored: false });
    expect(patchMap(rows)).toEqual({ REPLACE: 'new', DROP: null, ADDED: 'v' });
  });
});
