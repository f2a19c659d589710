import { describe, expect, it } from 'vitest';
import { fetchCatalog, type RawRequest } from './catalog.ts';
import { noopLogger } from './logger.ts';
import { UpstreamError } from './types.ts';

// A scripted request function (the listing logic is protocol-free; the real servers
// are exercised in connection.test.ts).
function scripted(pages: Record<string, Array<Record<string, unknown>>>) {
  const calls: Array<[string, unknown]> = [];
  const request: RawRequest = async (method, params) => {
    calls.push([method, params]);
    const list = pages[method];
    if (!list) throw new UpstreamError('upstream_error', 'Method not found', -32601);
    const index = params?.cursor === undefined ? 0 : Number(String(params.cursor).slice(1));
    return list[index] ?? {};
  };
  return { request, calls };
}

const server = (capabilities: Record<string, unknown>) => ({ capabilities, serverInfo: { name: 's', version: '1' }, instructions: null });
const tool = (name: string) => ({ name, inputSchema: { type: 'object' } });

describe('fetchCatalog', () => {
  it('follows nextCursor to the end and keeps items as sent', async () => {
    const { request, calls } = scripted({
      'tools/list': [
        { tools: [tool('a'), { ...tool('b'), annotations: { readOnlyHint: true } }], nextCursor: 'p1' },
        { tools: [tool('c')], nextCursor: 'p2' },
        { tools: [tool('d')] },
      ],
    });
    const catalog = await fetchCatalog(request, server({ tools: {} }), noopLogger);
    expect(catalog.tools.map((t) => t.name)).toEqual(['a', 'b', 'c', 'd']);
    expect(catalog.tools[1]?.annotations).toEqual({ readOnlyHint: true });
    expect(calls).toEqual([
      ['tools/list', undefined],
      ['tools/list', { cursor: 'p1' }],
      ['tools/list', { cursor: 'p2' }],
    ]);
    expect(catalog.serverInfo).toEqual({ name: 's', version: '1' });
  });

  it('stops when a cursor repeats (a server that never ends its pagination)', async () => {
    const { request, calls } = scripted({ 'prompts/list': [{ prompts: [{ name: 'x' }], nextCursor: 'p0' }] });
    const catalog = await fetchCatalog(request, server({ prompts: {} }), noopLogger);
    expect(catalog.prompts).toHaveLength(2);
    expect(calls).toHaveLength(2);
  });

  it('lists only what the server declares, and a JSON-RPC error costs one list only', async () => {
    const { request, calls } = scripted({ 'resources/list': [{ resources: [{ uri: 'r://1', name: 'one' }] }] });
    const catalog = await fetchCatalog(request, server({ resources: {} }), noopLogger);
    expect(catalog.resources).toHaveLength(1);
    expect(catalog.resourceTemplates).toEqual([]);
    expect(calls.map(([method]) => method)).toEqual(['resources/list', 'resources/templates/list']);
  });

  it('transport failures propagate', async () => {
    const request: RawRequest = async () => {
      throw new UpstreamError('upstream_timeout', 'slow');
    };
    await expect(fetchCatalog(request, server({ tools: {} }), noopLogger)).rejects.toMatchObject({ code: 'upstream_timeout' });
  });
});
