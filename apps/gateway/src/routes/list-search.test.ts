import { backends } from '@switchboard/db/testing/test-database';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, json, type TestGateway } from '../testing/test-gateway.ts';

describe.each(backends)('?q= on the lists on %s', (backend) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await createTestGateway(backend);
  });
  afterAll(() => gw.close());

  const names = async (path: string) => (await json(gw.api('GET', path))).items.map((i: { name: string }) => i.name).sort();

  it('searches upstreams, virtual servers and roles by name or description on the server', async () => {
    const url = 'http://127.0.0.1:9/mcp';
    const docs = await json(gw.api('POST', '/api/v1/upstreams', { name: 'docs', transport: 'streamable-http', url }));
    await gw.api('POST', '/api/v1/upstreams', { name: 'tickets', transport: 'streamable-http', url, description: 'The DOCS team tracker' });
    await gw.api('POST', '/api/v1/upstreams', { name: 'billing', transport: 'streamable-http', url });
    expect(await names('/api/v1/upstreams?q=docs')).toEqual(['docs', 'tickets']);
    expect(await names('/api/v1/upstreams?q=bill')).toEqual(['billing']);
    await gw.api('POST', '/api/v1/virtual-servers', { name: 'dev', entries: [{ kind: 'upstream', upstreamId: docs.id }] });
    await gw.api('POST', '/api/v1/virtual-servers', { name: 'ops', description: 'for devops', entries: [] });
    await gw.api('POST', '/api/v1/virtual-servers', { name: 'sales', entries: [] });
    expect(await names('/api/v1/virtual-servers?q=dev')).toEqual(['dev', 'ops']);
    await gw.api('POST', '/api/v1/roles', { name: 'eng' });
    await gw.api('POST', '/api/v1/roles', { name: 'support' });
    expect(await names('/api/v1/roles?q=ENG')).toEqual(['eng']);
    expect(await names('/api/v1/roles')).toEqual(['eng', 'support']);
  });
});
