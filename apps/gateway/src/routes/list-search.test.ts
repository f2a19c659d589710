import { oauthClients } from '@switchboard/db/schema';
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

  it('searches policies by pattern or by the subject’s email or role name, and pages them in a stable order', async () => {
    const alice = await json(gw.api('POST', '/api/v1/users', { email: 'alice@example.com', name: 'Alice' }));
    const ops = await json(gw.api('POST', '/api/v1/roles', { name: 'ops' }));
    const rule = (subjectType: string, subjectId: string, pattern: string) =>
      gw.api('POST', '/api/v1/policies', { subjectType, subjectId, effect: 'allow', kind: 'tool', pattern });
    for (const pattern of ['docs:search', 'docs:read_*', 'billing:*']) expect((await rule('user', alice.id, pattern)).status).toBe(201);
    for (const pattern of ['tickets:*', 'deploy:run']) expect((await rule('role', ops.id, pattern)).status).toBe(201);
    const patterns = async (query: string) =>
      (await json(gw.api('GET', `/api/v1/policies?${query}`))).items.map((p: { pattern: string }) => p.pattern).sort();
    expect(await patterns('q=DOCS')).toEqual(['docs:read_*', 'docs:search']);
    expect(await patterns('q=alice')).toEqual(['billing:*', 'docs:read_*', 'docs:search']);
    expect(await patterns('q=ops')).toEqual(['deploy:run', 'tickets:*']);
    expect(await patterns('q=_')).toEqual(['docs:read_*']); // a LIKE wildcard taken literally
    expect(await patterns(`q=ops&subjectId=${alice.id}`)).toEqual([]);

    // Pages of 2 through all 5 rules: none repeated or skipped, the same order every time.
    const walk = async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { items: Array<{ id: string }>; nextCursor: string | null } = await json(
          gw.api('GET', `/api/v1/policies?limit=2${cursor ? `&cursor=${cursor}` : ''}`),
        );
        seen.push(...page.items.map((p) => p.id));
        cursor = page.nextCursor;
      } while (cursor);
      return seen;
    };
    const first = await walk();
    expect(new Set(first).size).toBe(5);
    expect(await walk()).toEqual(first);
  });

  it('searches OAuth clients by name or client id', async () => {
    await gw.ctx.db.insert(oauthClients).values([
      { clientId: 'dcr-1', clientName: 'Claude Desktop', kind: 'dcr', redirectUris: ['http://127.0.0.1/cb'] },
      { clientId: 'dcr-2', clientName: 'VS Code', kind: 'dcr', redirectUris: ['http://127.0.0.1/cb'] },
      { clientId: 'https://cursor.example.com/client.json', clientName: null, kind: 'cimd', redirectUris: ['http://127.0.0.1/cb'] },
    ]);
    const ids = async (query: string) =>
      (await json(gw.api('GET', `/api/v1/oauth-clients?${query}`))).items.map((c: { clientId: string }) => c.clientId).sort();
    expect(await ids('q=claude')).toEqual(['dcr-1']);
    expect(await ids('q=code')).toEqual(['dcr-2']);
    expect(await ids('q=cursor.example')).toEqual(['https://cursor.example.com/client.json']);
    expect(await ids('q=DCR-')).toEqual(['dcr-1', 'dcr-2']);
    expect(await ids('limit=2')).toHaveLength(2);
  });
});
