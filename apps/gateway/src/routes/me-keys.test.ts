import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { fixtureStdio, waitFor } from '@switchboard/core/upstream/test-upstreams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, json, type TestGateway } from '../testing/test-gateway.ts';

const KEYED = '6b1e2c3d-4f5a-4b6c-8d7e-9f0a1b2c3d4e';
const OTHER = '7c2f3d4e-5a6b-4c7d-9e8f-0a1b2c3d4e5f';
const COOKIE = '__Host-switchboard_console';
const ALICE = { email: 'alice@example.com', password: 'alice password' };
const BOB = { email: 'bob@example.com', password: 'bobs password' };

describe('personal MCP keys over a real gateway and upstream', () => {
  let gw: TestGateway;
  const fixture = fixtureStdio();

  /** A request as the console sends it for a signed-in person: cookie, and the CSRF token on changes. */
  type Session = { cookie: string; csrf: string };
  const asPerson = (session: Session, method: string, path: string, body?: unknown) =>
    gw.fetch(path, {
      method,
      headers: {
        cookie: `${COOKIE}=${session.cookie}`,
        'x-csrf-token': session.csrf,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  async function signIn(credentials: typeof ALICE): Promise<Session> {
    const res = await gw.fetch('/api/v1/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(credentials) });
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie')?.match(new RegExp(`^${COOKIE}=([^;]+)`))?.[1];
    return { cookie: cookie!, csrf: (await json(res)).csrfToken };
  }

  /** The MCP initialize a client sends first, with `key` as its bearer. */
  const initialize = (serverId: string, key: string) =>
    gw.fetch(`/servers/${serverId}/mcp`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } } }),
    });

  async function connect(serverId: string, key: string) {
    const client = new Client({ name: 'key-test', version: '1' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${gw.url}/servers/${serverId}/mcp`), {
        fetch: (url, init) => gw.fetch(String(url), init as RequestInit),
        requestInit: { headers: { authorization: `Bearer ${key}` } },
      }),
    );
    return client;
  }

  let alice: Session;
  beforeAll(async () => {
    gw = await createTestGateway('pglite');
    const imported = await gw.api('POST', '/api/v1/import', {
      mcpServers: { fx: { command: fixture.command, args: fixture.args, cwd: fixture.cwd } },
      virtualServers: {
        keyed: { id: KEYED, upstreams: ['fx'], auth: 'api-key', defaultAccess: 'deny' },
        other: { id: OTHER, upstreams: ['fx'], auth: 'api-key', defaultAccess: 'deny' },
      },
      users: {
        [ALICE.email]: { password: ALICE.password, allowed_tools: ['fx:test_simple_text'] },
        [BOB.email]: { password: BOB.password },
      },
    });
    expect(imported.status).toBe(200);
    // The upstream connected and listed before clients ask (a loaded machine only waits longer).
    const upstreamId = (await json(gw.api('GET', '/api/v1/upstreams'))).items[0].id;
    expect((await gw.api('POST', `/api/v1/upstreams/${upstreamId}/refresh`)).status).toBe(200);
    alice = await signIn(ALICE);
  }, 120_000); // a gateway, an upstream process and its first listing: slow on a loaded machine
  afterAll(() => gw?.close());

  it('a non-admin mints a key (shown once) that acts as them: only their allowlisted tools, the denied one refused, the audit names the key', async () => {
    const minted = await asPerson(alice, 'POST', '/api/v1/me/keys', { name: 'laptop' });
    expect(minted.status).toBe(201);
    const key = await json(minted);
    expect(key).toMatchObject({ name: 'laptop', scopes: ['mcp'], owner: { email: ALICE.email }, virtualServerIds: null, revokedAt: null });
    expect(key.token).toMatch(/^sb_/);
    const listed = await json(asPerson(alice, 'GET', '/api/v1/me/keys'));
    expect(listed.items.map((k: { id: string }) => k.id)).toEqual([key.id]);
    expect(JSON.stringify(listed)).not.toContain(key.token);

    const client = await connect(KEYED, key.token);
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['fx__test_simple_text']);
    const ok = await client.callTool({ name: 'fx__test_simple_text', arguments: {} });
    expect(ok.isError).toBeFalsy();
    await expect(client.callTool({ name: 'fx__test_error_handling', arguments: {} })).rejects.toThrow(/not found|unknown/i);
    await client.close();
    // last use is recorded off the request path
    await waitFor(async () => (await json(asPerson(alice, 'GET', '/api/v1/me/keys'))).items[0].lastUsedAt !== null, 'the key’s last use');

    await gw.audit.flush();
    const events = (await json(gw.api('GET', `/api/v1/audit-events?user=${ALICE.email}`))).items;
    expect(events.map((e: { exposedName: string; outcome: string; clientId: string }) => [e.exposedName, e.outcome, e.clientId])).toEqual([
      ['fx__test_error_handling', 'denied', `api-token:${key.id}`],
      ['fx__test_simple_text', 'ok', `api-token:${key.id}`],
    ]);
  });

  it('refuses an admin token on MCP endpoints, and an MCP key on the admin API, each saying which key is needed', async () => {
    const admin = await initialize(KEYED, gw.adminToken);
    expect(admin.status).toBe(403);
    expect((await json(admin)).error.message).toMatch(/^this is an admin API token: MCP endpoints take a personal MCP key \(scope mcp\)/);
    expect(admin.headers.get('www-authenticate')).toMatch(/^Bearer realm="switchboard", error="insufficient_scope"/);

    const key = (await json(asPerson(alice, 'POST', '/api/v1/me/keys', { name: 'script' }))).token;
    for (const path of ['/api/v1/users', '/api/v1/me/keys']) {
      const res = await gw.api('GET', path, undefined, key);
      expect(res.status).toBe(403);
      expect((await json(res)).error).toEqual({
        code: 'wrong_key_kind',
        message:
          'this is a personal MCP key (scope mcp): it works only on MCP endpoints of api-key virtual servers; the admin API needs an admin API token (scope admin or admin:read)',
      });
    }
    // and a non-admin's console session may not use the admin API either
    expect((await asPerson(alice, 'GET', '/api/v1/api-tokens')).status).toBe(403);
  });

  it('a key limited to one virtual server works there and is refused (403) on the others', async () => {
    const limited = await asPerson(alice, 'POST', '/api/v1/me/keys', { name: 'only-other', virtualServerIds: [OTHER] });
    expect(limited.status).toBe(201);
    const key = await json(limited);
    expect(key.virtualServerIds).toEqual([OTHER]);
    const client = await connect(OTHER, key.token);
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['fx__test_simple_text']);
    await client.close();
    const elsewhere = await initialize(KEYED, key.token);
    expect(elsewhere.status).toBe(403);
    expect((await json(elsewhere)).error.message).toBe('the MCP key "only-other" is limited to other virtual servers');
    const unknown = await asPerson(alice, 'POST', '/api/v1/me/keys', { name: 'x', virtualServerIds: ['00000000-0000-4000-8000-000000000000'] });
    expect(unknown.status).toBe(400);
    expect((await json(unknown)).error.message).toContain('no virtual server 00000000-0000-4000-8000-000000000000');
  });

  it('an expired key is refused (401)', async () => {
    const past = await asPerson(alice, 'POST', '/api/v1/me/keys', { name: 'stale', expiresAt: new Date(Date.now() - 1000).toISOString() });
    expect(past.status).toBe(400);
    const soon = await json(asPerson(alice, 'POST', '/api/v1/me/keys', { name: 'short', expiresAt: new Date(Date.now() + 6_000).toISOString() }));
    expect((await initialize(KEYED, soon.token)).status).toBe(200);
    await waitFor(async () => (await initialize(KEYED, soon.token)).status === 401, 'the key to expire', 30_000);
    const refused = await initialize(KEYED, soon.token);
    expect(refused.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
  });

  it('revoking takes effect at the next request; nobody else can revoke it; admins see and revoke anyone’s keys', async () => {
    const key = await json(asPerson(alice, 'POST', '/api/v1/me/keys', { name: 'revoke-me' }));
    expect((await initialize(KEYED, key.token)).status).toBe(200);
    const bob = await signIn(BOB);
    expect((await asPerson(bob, 'DELETE', `/api/v1/me/keys/${key.id}`)).status).toBe(404);
    expect((await initialize(KEYED, key.token)).status).toBe(200);
    const revoked = await asPerson(alice, 'DELETE', `/api/v1/me/keys/${key.id}`);
    expect(revoked.status).toBe(200);
    expect((await json(revoked)).revokedAt).not.toBeNull();
    expect((await initialize(KEYED, key.token)).status).toBe(401);

    const other = await json(asPerson(alice, 'POST', '/api/v1/me/keys', { name: 'admin-revokes' }));
    const all = (await json(gw.api('GET', '/api/v1/api-tokens'))).items;
    expect(all.find((t: { id: string }) => t.id === other.id)).toMatchObject({ scopes: ['mcp'], owner: { email: ALICE.email } });
    expect((await gw.api('DELETE', `/api/v1/api-tokens/${other.id}`)).status).toBe(200);
    expect((await initialize(KEYED, other.token)).status).toBe(401);
  });

  it('lists the servers a person may use with the tools their policy allows', async () => {
    const mine = (await json(asPerson(alice, 'GET', '/api/v1/me/servers'))).items;
    expect(mine.map((s: { name: string; authMode: string; tools: Array<{ name: string }> }) => [s.name, s.authMode, s.tools.map((t) => t.name)])).toEqual([
      ['keyed', 'api-key', ['fx__test_simple_text']],
      ['other', 'api-key', ['fx__test_simple_text']],
    ]);
    const bob = await signIn(BOB);
    expect((await json(asPerson(bob, 'GET', '/api/v1/me/servers'))).items).toEqual([]);
    expect((await gw.fetch('/api/v1/me/servers')).status).toBe(401);
  });
});
