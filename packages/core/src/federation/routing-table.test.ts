import { describe, expect, it } from 'vitest';
import { emptyCatalog } from '../upstream/catalog.ts';
import type { Catalog } from '../upstream/types.ts';
import { buildRoutingTable, clientResourceUri, routeResource, templateMatcher, type UpstreamView, type VirtualServerSpec } from './routing-table.ts';

const catalog = (over: Partial<Catalog>): Catalog => ({ ...emptyCatalog(), ...over });
const tool = (name: string, description = `${name} tool`) => ({ name, description, inputSchema: { type: 'object' } });

const upstreams = new Map<string, UpstreamView>([
  ['u1', { id: 'u1', name: 'everything', catalog: catalog({ tools: [tool('echo'), tool('add')], prompts: [{ name: 'greet' }], resources: [{ uri: 'test://a', name: 'a' }], resourceTemplates: [{ uriTemplate: 'test://t/{id}/data', name: 't' }] }) }],
  ['u2', { id: 'u2', name: 'docs', catalog: catalog({ tools: [tool('echo'), tool('search')] }) }],
]);

const server = (over: Partial<VirtualServerSpec>): VirtualServerSpec => ({ id: 'vs', name: 'dev', prefixMode: 'always', enabled: true, entries: [], ...over });

describe('buildRoutingTable', () => {
  it('prefixes every tool with its upstream by default', () => {
    const table = buildRoutingTable(server({ entries: [{ upstreamId: 'u1', kind: 'upstream' }, { upstreamId: 'u2', kind: 'upstream' }] }), upstreams);
    expect([...table.tools.keys()].sort()).toEqual(['docs__echo', 'docs__search', 'everything__add', 'everything__echo']);
    expect(table.tools.get('docs__echo')).toMatchObject({ upstreamId: 'u2', name: 'echo' });
    expect(table.tools.get('docs__echo')?.tool.name).toBe('docs__echo');
    expect(table.prompts.has('everything__greet')).toBe(true);
    expect(table.conflicts).toEqual([]);
  });

  it('reports both sources of a conflict when prefixes are off', () => {
    const table = buildRoutingTable(server({ prefixMode: 'never', entries: [{ upstreamId: 'u1', kind: 'upstream' }, { upstreamId: 'u2', kind: 'upstream' }] }), upstreams);
    expect(table.conflicts).toEqual([{ kind: 'tool', exposedName: 'echo', sources: ['everything:echo', 'docs:echo'] }]);
    expect(table.tools.get('echo')?.upstreamId).toBe('u1');
  });

  it('applies renames and description overrides of single entries, over the whole-upstream entry', () => {
    const table = buildRoutingTable(
      server({
        prefixMode: 'never',
        entries: [
          { upstreamId: 'u1', kind: 'upstream' },
          { upstreamId: 'u2', kind: 'tool', name: 'echo', exposedName: 'docs_echo', description: 'Echo, from docs' },
        ],
      }),
      upstreams,
    );
    expect(table.conflicts).toEqual([]);
    expect(table.tools.get('docs_echo')).toMatchObject({ name: 'echo', tool: { name: 'docs_echo', description: 'Echo, from docs' } });
    expect(table.tools.has('search')).toBe(false); // only the single tool of docs is exposed
  });

  it('rejects names that break the tool-name rule or exceed 64 characters', () => {
    const long = new Map(upstreams);
    long.set('u3', { id: 'u3', name: 'x'.repeat(40), catalog: catalog({ tools: [tool('y'.repeat(30)), tool('ok')] }) });
    const table = buildRoutingTable(server({ entries: [{ upstreamId: 'u3', kind: 'upstream' }] }), long);
    expect(table.invalid).toHaveLength(1);
    expect(table.invalid[0]?.problem).toMatch(/at most 64/);
    expect(table.tools.size).toBe(1);
  });

  it('routes resources by listed URI, then by template', () => {
    const table = buildRoutingTable(server({ entries: [{ upstreamId: 'u1', kind: 'upstream' }] }), upstreams);
    expect(routeResource(table, 'test://a')?.upstreamId).toBe('u1');
    expect(routeResource(table, 'test://t/42/data')?.upstreamId).toBe('u1');
    expect(routeResource(table, 'test://t/42/other')).toBeUndefined();
  });

  describe('two upstreams listing the same resource URIs', () => {
    const twins = new Map<string, UpstreamView>([
      ['u1', upstreams.get('u1')!],
      ['u3', { id: 'u3', name: 'mirror', catalog: upstreams.get('u1')!.catalog }],
    ]);
    const both = [
      { upstreamId: 'u1', kind: 'upstream' as const },
      { upstreamId: 'u3', kind: 'upstream' as const },
    ];

    it('are a conflict naming both sources when URIs are kept as listed', () => {
      const table = buildRoutingTable(server({ entries: both }), twins);
      expect(table.conflicts.filter((c) => c.kind !== 'tool' && c.kind !== 'prompt')).toEqual([
        { kind: 'resource', exposedName: 'test://a', sources: ['everything:test://a', 'mirror:test://a'] },
        { kind: 'resource template', exposedName: 'test://t/{id}/data', sources: ['everything:test://t/{id}/data', 'mirror:test://t/{id}/data'] },
      ]);
      expect(table.resources.size).toBe(1);
      expect(table.templates).toHaveLength(1); // listed once, not once per upstream
    });

    it('are each listed under their upstream when namespaced, and route back to it with the URI it knows', () => {
      const table = buildRoutingTable(server({ resourceUris: 'namespaced', entries: both }), twins);
      expect(table.conflicts.filter((c) => c.kind === 'resource' || c.kind === 'resource template')).toEqual([]);
      expect([...table.resources.keys()].sort()).toEqual(['switchboard://everything/test://a', 'switchboard://mirror/test://a']);
      expect(table.templates.map((t) => t.template.uriTemplate).sort()).toEqual(['switchboard://everything/test://t/{id}/data', 'switchboard://mirror/test://t/{id}/data']);
      expect(routeResource(table, 'switchboard://mirror/test://a')).toMatchObject({ upstreamId: 'u3', uri: 'test://a' });
      expect(routeResource(table, 'switchboard://mirror/test://t/7/data')).toMatchObject({ upstreamId: 'u3', uri: 'test://t/7/data' });
      expect(routeResource(table, 'switchboard://everything/test://t/7/data')).toMatchObject({ upstreamId: 'u1', uri: 'test://t/7/data' });
      // the upstream's own URIs are not exposed any more, and nothing routes to an upstream the server lacks
      expect(routeResource(table, 'test://a')).toBeUndefined();
      expect(routeResource(table, 'switchboard://docs/test://t/7/data')).toBeUndefined();
      expect(clientResourceUri(table, 'mirror', 'test://t/7/data')).toBe('switchboard://mirror/test://t/7/data');
    });
  });
});

describe('templateMatcher', () => {
  it('matches simple variables within one segment and reserved expansion across segments', () => {
    expect(templateMatcher('file:///{path}').test('file:///a')).toBe(true);
    expect(templateMatcher('file:///{path}').test('file:///a/b')).toBe(false);
    expect(templateMatcher('file:///{+path}').test('file:///a/b')).toBe(true);
    expect(templateMatcher('x://a.b/{id}').test('x://aXb/1')).toBe(false);
  });
});
