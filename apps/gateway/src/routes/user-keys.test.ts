import { adminEvents } from '@switchboard/db/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, fixtureDocument, json, type TestGateway } from '../testing/test-gateway.ts';

const SERVER = '5d1e2c3d-4f5a-4b6c-8d7e-9f0a1b2c3d4e';
const BOT = 'ci-bot@example.com';

/** An MCP request with `key` as its bearer (2026-07-28, no session): the status says whether the key is accepted. */
const toolsList = (gw: TestGateway, key: string) =>
  gw.fetch(`/servers/${SERVER}/mcp`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${key}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2026-07-28',
      'mcp-method': 'tools/list',
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/list',
      params: { _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientInfo': { name: 't', version: '1' }, 'io.modelcontextprotocol/clientCapabilities': {} } },
    }),
  });

describe('an administrator mints an MCP key for a person (a CI bot)', () => {
  let gw: TestGateway;
  let botId: string;

  beforeAll(async () => {
    gw = await createTestGateway('pglite');
    const doc = fixtureDocument(SERVER);
    const servers = doc.virtualServers as Record<string, Record<string, unknown>>;
    for (const server of Object.values(servers)) Object.assign(server, { auth: 'api-key', defaultAccess: 'deny' });
    const imported = await gw.api('POST', '/api/v1/import', { ...doc, users: { [BOT]: { allowed_tools: ['fx:test_simple_text'] } } });
    expect(imported.status).toBe(200);
    // the upstream connected and listed before the key lists tools (a loaded machine only waits longer)
    const upstreamId = (await json(gw.api('GET', '/api/v1/upstreams'))).items[0].id;
    expect((await gw.api('POST', `/api/v1/upstreams/${upstreamId}/refresh`)).status).toBe(200);
    botId = (await json(gw.api('GET', `/api/v1/users?q=${encodeURIComponent(BOT)}`))).items[0].id;
  }, 120_000);
  afterAll(() => gw?.close());

  it('mints a key that acts as the person: listed for them, its value once, recorded in the trail without it, revoked like any token', async () => {
    const minted = await gw.api('POST', `/api/v1/users/${botId}/mcp-keys`, { name: 'pipeline', virtualServerIds: [SERVER] });
    expect(minted.status).toBe(201);
    const key = await json(minted);
    expect(key).toMatchObject({ name: 'pipeline', scopes: ['mcp'], owner: { id: botId, email: BOT }, virtualServerIds: [SERVER] });

    const listed = await toolsList(gw, key.token);
    expect(listed.status).toBe(200);
    const body = await listed.text();
    const answer = JSON.parse(body.startsWith('{') ? body : body.split('\n').find((l) => l.startsWith('data:'))!.slice(5));
    expect(answer.result.tools.map((t: { name: string }) => t.name)).toEqual(['fx__test_simple_text']);

    const theirs = await json(gw.api('GET', `/api/v1/users/${botId}/mcp-keys`));
    expect(theirs.items.map((k: { id: string }) => k.id)).toEqual([key.id]);
    expect(JSON.stringify(theirs)).not.toContain(key.token);

    const trail = await json(gw.api('GET', `/api/v1/admin-events?objectId=${botId}`));
    expect(trail.items[0]).toMatchObject({ action: 'mcp-keys', object: { type: 'users', id: botId }, after: { token: { hasValue: true } } });
    expect(JSON.stringify(await gw.ctx.db.select().from(adminEvents))).not.toContain(key.token);

    expect((await gw.api('DELETE', `/api/v1/api-tokens/${key.id}`)).status).toBe(200);
    expect((await toolsList(gw, key.token)).status).toBe(401);
  });

  it('refuses a disabled person (409), an unknown one (404) and a bad body (400), and keeps admin scopes out', async () => {
    expect((await gw.api('PATCH', `/api/v1/users/${botId}`, { disabled: true })).status).toBe(200);
    const disabled = await gw.api('POST', `/api/v1/users/${botId}/mcp-keys`, { name: 'later' });
    expect(disabled.status).toBe(409);
    expect((await json(disabled)).error.code).toBe('user_disabled');
    expect((await gw.api('PATCH', `/api/v1/users/${botId}`, { disabled: false })).status).toBe(200);

    const unknown = await gw.api('POST', '/api/v1/users/00000000-0000-4000-8000-000000000000/mcp-keys', { name: 'x' });
    expect(unknown.status).toBe(404);
    expect((await gw.api('POST', `/api/v1/users/${botId}/mcp-keys`, { name: '' })).status).toBe(400);
    expect((await gw.api('POST', `/api/v1/users/${botId}/mcp-keys`, { name: 'x', scopes: ['admin'] })).status).toBe(400);
    expect((await gw.api('POST', `/api/v1/users/${botId}/mcp-keys`, { name: 'x', virtualServerIds: ['00000000-0000-4000-8000-000000000001'] })).status).toBe(400);
  });
});
