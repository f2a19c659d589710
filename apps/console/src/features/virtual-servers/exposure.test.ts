import { describe, expect, it } from 'vitest';
import { type CatalogSummary, type DraftEntry, previewExposure } from './exposure.ts';

const catalogs = new Map<string, CatalogSummary | null>([
  ['u1', { upstreamName: 'everything', tools: [{ name: 'echo', description: 'Echoes' }, { name: 'add' }] }],
  ['u2', { upstreamName: 'memory', tools: [{ name: 'echo' }, { name: 'read_graph' }] }],
  ['u3', null],
]);
const whole = (upstreamId: string): DraftEntry => ({ upstreamId, kind: 'upstream', name: null, exposedName: '', description: '' });
const tool = (upstreamId: string, name: string, exposedName = '', description = ''): DraftEntry => ({ upstreamId, kind: 'tool', name, exposedName, description });

describe('previewExposure', () => {
  it('prefixes names with "always" and finds no conflict across upstreams', () => {
    const out = previewExposure([whole('u1'), tool('u2', 'echo')], 'always', catalogs);
    expect(out.tools.map((t) => t.exposedName)).toEqual(['memory__echo', 'everything__echo', 'everything__add']);
    expect(out.conflicts).toEqual([]);
  });

  it('reports a clash without prefixes, and a rename resolves it', () => {
    const clash = previewExposure([whole('u1'), whole('u2')], 'never', catalogs);
    expect(clash.conflicts).toEqual([{ exposedName: 'echo', sources: ['everything:echo', 'memory:echo'] }]);
    const renamed = previewExposure([whole('u1'), tool('u2', 'echo', 'memory_echo', 'From memory'), whole('u2')], 'never', catalogs);
    expect(renamed.conflicts).toEqual([]);
    expect(renamed.tools.find((t) => t.exposedName === 'memory_echo')?.description).toBe('From memory');
  });

  it('flags names clients would reject, and upstreams never listed', () => {
    const out = previewExposure([tool('u1', 'add', 'has space'), whole('u3')], 'always', catalogs);
    expect(out.invalid[0]).toMatchObject({ exposedName: 'has space', source: 'everything:add' });
    expect(out.unlisted).toEqual(['u3']);
  });
});
