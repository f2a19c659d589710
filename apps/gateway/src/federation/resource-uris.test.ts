/**
 * Resources of several upstreams (issue 19): two real upstreams listing the same URIs are a
 * conflict named at save time; namespaced, each upstream's resources and templates are
 * listed under it, and reads, template reads, subscriptions, completions and the URIs in
 * answers all route to (and come back from) the right upstream.
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { fixtureStdio, waitFor } from '@switchboard/core/upstream/test-upstreams';
import { auditEvents, upstreams } from '@switchboard/db/schema';
import { desc } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, json, type TestGateway } from '../testing/test-gateway.ts';

const SERVER_ID = '4d1f2a6b-8c3e-4f5a-9b7d-2e0c6a1b3f58';
const fixture = fixtureStdio();
const upstream = { command: fixture.command, args: fixture.args, cwd: fixture.cwd, connectAtBoot: true };

async function connect(gw: TestGateway) {
  const client = new Client({ name: 'resource-uris', version: '1' }, { versionNegotiation: { mode: 'legacy' } });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${gw.url}/servers/${SERVER_ID}/mcp`), { fetch: (url, init) => gw.fetch(String(url), init as RequestInit) }),
  );
  return client;
}

describe('resource URIs of two upstreams that list the same ones', () => {
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await createTestGateway('pglite');
    const res = await gw.api('POST', '/api/v1/import', {
      mcpServers: { fx1: upstream, fx2: upstream },
      virtualServers: { twins: { id: SERVER_ID, upstreams: ['fx1', 'fx2'], auth: 'none', defaultAccess: 'allow' } },
    });
    expect(res.status).toBe(200);
    // both catalogs listed (and stored), so that saving checks them
    for (const { id } of await gw.ctx.db.select({ id: upstreams.id }).from(upstreams)) {
      await waitFor(async () => {
        const res = await gw.api('GET', `/api/v1/upstreams/${id}/catalog`);
        return res.status === 200 && (await json(res)).resources.length > 0;
      }, 'the catalogs are listed');
    }
  }, 60_000);
  afterAll(() => gw?.close());

  it('saving with URIs as listed is refused with 409, naming both sources and the way out', async () => {
    const res = await gw.api('PATCH', `/api/v1/virtual-servers/${SERVER_ID}`, { description: 'two of the same' });
    expect(res.status).toBe(409);
    const { error } = await json(res);
    expect(error.code).toBe('name_conflict');
    expect(error.message).toMatch(/resource( template)? "test:\/\/.+" would be exposed twice: by fx1:test:\/\/.+ and by fx2:test:\/\/.+/);
    expect(error.message).toContain('resourceUris to "namespaced"');
  });

  it('namespaced: every resource and template of both, reads routed to the upstream that listed them', async () => {
    expect((await gw.api('PATCH', `/api/v1/virtual-servers/${SERVER_ID}`, { resourceUris: 'namespaced' })).status).toBe(200);
    const client = await connect(gw);
    try {
      const { resources } = await client.listResources();
      const own = resources.filter((r) => r.uri.startsWith('switchboard://fx1/'));
      expect(own.length).toBeGreaterThan(0);
      expect(resources.map((r) => r.uri).sort()).toEqual(
        [...own.map((r) => r.uri), ...own.map((r) => r.uri.replace('switchboard://fx1/', 'switchboard://fx2/'))].sort(),
      );
      const { resourceTemplates } = await client.listResourceTemplates();
      expect(resourceTemplates.map((t) => t.uriTemplate).sort()).toEqual(['switchboard://fx1/test://template/{id}/data', 'switchboard://fx2/test://template/{id}/data']);

      const read = await client.readResource({ uri: 'switchboard://fx2/test://static-text' });
      expect(read.contents[0]).toMatchObject({ uri: 'switchboard://fx2/test://static-text', text: 'This is the content of the static text resource.' });
      const templated = await client.readResource({ uri: 'switchboard://fx1/test://template/42/data' });
      expect(templated.contents[0]).toMatchObject({ uri: 'switchboard://fx1/test://template/42/data' });
      expect(JSON.parse(String((templated.contents[0] as { text: string }).text))).toMatchObject({ id: '42' });

      await gw.audit.flush();
      const reads = await gw.ctx.db.select().from(auditEvents).orderBy(desc(auditEvents.seq)).limit(2);
      expect(reads.map((e) => [e.upstreamName, e.upstreamItem])).toEqual([
        ['fx1', 'test://template/42/data'],
        ['fx2', 'test://static-text'],
      ]);

      // a URI the upstream lists as its own is not the server's any more
      await expect(client.readResource({ uri: 'test://static-text' })).rejects.toThrow(/not found/i);

      const completion = await client.complete({ ref: { type: 'ref/resource', uri: 'switchboard://fx2/test://template/{id}/data' }, argument: { name: 'id', value: '4' } });
      expect(completion.completion.values).toEqual(['42']);
    } finally {
      await client.close();
    }
  });

  it('namespaced: subscriptions and the URIs inside tool results name the exposed URI', async () => {
    const client = await connect(gw);
    try {
      const updated: string[] = [];
      client.setNotificationHandler('notifications/resources/updated', (n) => void updated.push(n.params.uri));
      await client.subscribeResource({ uri: 'switchboard://fx2/test://watched-resource' });
      await client.callTool({ name: 'fx2__test_update_watched_resource', arguments: {} });
      await waitFor(() => updated.length > 0, 'resources/updated');
      expect(updated).toEqual(['switchboard://fx2/test://watched-resource']);

      const embedded = await client.callTool({ name: 'fx1__test_embedded_resource', arguments: {} });
      expect(embedded.content).toMatchObject([{ type: 'resource', resource: { uri: 'switchboard://fx1/test://embedded-resource' } }]);
    } finally {
      await client.close();
    }
  });

  it('the API and the export show the mode', async () => {
    const doc = await json(await gw.api('GET', '/api/v1/export'));
    expect(doc.virtualServers.twins?.resourceUris).toBe('namespaced');
    const server = await json(await gw.api('GET', `/api/v1/virtual-servers/${SERVER_ID}`));
    expect(server.resourceUris).toBe('namespaced');
  });
});
