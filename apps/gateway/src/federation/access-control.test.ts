import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { fixtureStdio } from '@switchboard/core/upstream/test-upstreams';
import { oauthClients, oauthRefreshTokens, users, virtualServers, webSessions } from '@switchboard/db/schema';
import { backends } from '@switchboard/db/testing/test-database';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../services/api-tokens.ts';
import { createTestGateway, json, type TestGateway } from '../testing/test-gateway.ts';

const fixture = fixtureStdio();
const SERVER_ID = '7c0e4b1a-3f5d-4c2b-9a8e-1d6f0b3c5e71';

async function connect(gw: TestGateway, token: string, mode: 'legacy' | 'auto' = 'legacy') {
  const client = new Client({ name: 'acl-test', version: '1' }, { versionNegotiation: { mode } });
  const transport = new StreamableHTTPClientTransport(new URL(`http://localhost/servers/${SERVER_ID}/mcp`), {
    fetch: (url, init) => gw.fetch(String(url), init as RequestInit),
    requestInit: { headers: { authorization: `Bearer ${token}` } },
  });
  await client.connect(transport);
  return client;
}

const toolNames = async (client: Client) => (await client.listTools()).tools.map((t) => t.name).sort();

/** The error a refused call produced, with the name it used replaced (so two names compare). */
async function refusal(client: Client, name: string) {
  try {
    await client.callTool({ name, arguments: {} });
  } catch (error) {
    const e = error as { code?: number; message: string; data?: unknown; constructor: unknown };
    return { type: e.constructor, code: e.code, message: e.message.replaceAll(name, '<name>'), data: e.data };
  }
  throw new Error(`${name} was not refused`);
}

function waitFor(condition: () => boolean, what: string, ms = 5000) {
  const deadline = Date.now() + ms;
  return new Promise<void>((resolve, reject) => {
    const tick = () => {
      if (condition()) resolve();
      else if (Date.now() > deadline) reject(new Error(`timed out: ${what}`));
      else setTimeout(tick, 20);
    };
    tick();
  });
}

describe.each(backends)('per-user access on %s', (backend) => {
  let gw: TestGateway;
  const tokens: Record<'alice' | 'bob' | 'carol', string> = { alice: '', bob: '', carol: '' };
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    gw = await createTestGateway(backend);
    const res = await gw.api('POST', '/api/v1/import', {
      mcpServers: { fx: { command: fixture.command, args: fixture.args, cwd: fixture.cwd, connectAtBoot: true } },
      virtualServers: { acl: { id: SERVER_ID, upstreams: ['fx'], auth: 'api-key', defaultAccess: 'deny', auditPayloads: true } },
      roles: { eng: { allowed_tools: ['fx:test_simple_*', 'fx:test_error_handling'] } },
      users: {
        'alice@example.com': { roles: ['eng'] },
        'bob@example.com': { allowed_tools: ['fx:*'], denied_tools: ['fx:test_error_handling'] },
        'carol@example.com': {},
      },
      policies: [
        { subject: 'role:eng', virtualServer: 'acl', kind: 'prompt', pattern: 'fx:test_simple_prompt' },
        { subject: 'user:bob@example.com', kind: 'resource', pattern: 'fx:test://static-*' },
      ],
    });
    expect(res.status).toBe(200);
    for (const u of await gw.ctx.db.select().from(users)) ids[u.email.split('@')[0]!] = u.id;
    for (const name of ['alice', 'bob', 'carol'] as const) {
      tokens[name] = (await createApiToken(gw.ctx, { name, scopes: ['mcp'], userId: ids[name] })).token;
    }
    // written past the admin API: apply them as an admin change would (keys are admitted from memory)
    await gw.registry.configChanged();
  });
  afterAll(() => gw.close());

  it('lists to each user exactly what their rules allow, in both protocol eras', async () => {
    for (const mode of ['legacy', 'auto'] as const) {
      const alice = await connect(gw, tokens.alice, mode);
      const bob = await connect(gw, tokens.bob, mode);
      const carol = await connect(gw, tokens.carol, mode);
      expect(await toolNames(alice)).toEqual(['fx__test_error_handling', 'fx__test_simple_text']);
      const bobTools = await toolNames(bob);
      expect(bobTools).toContain('fx__test_image_content');
      expect(bobTools).not.toContain('fx__test_error_handling');
      expect(await toolNames(carol)).toEqual([]);
      expect((await alice.listPrompts()).prompts.map((p) => p.name)).toEqual(['fx__test_simple_prompt']);
      expect((await bob.listPrompts()).prompts).toEqual([]);
      expect((await bob.listResources()).resources.map((r) => r.uri).sort()).toEqual(['test://static-binary', 'test://static-text']);
      expect((await alice.listResources()).resources).toEqual([]);
      expect((await alice.listResourceTemplates()).resourceTemplates).toEqual([]);
      await expect(alice.readResource({ uri: 'test://static-text' })).rejects.toThrow(/not found/i);
      expect((await bob.readResource({ uri: 'test://static-text' })).contents.length).toBe(1);
      for (const c of [alice, bob, carol]) await c.close();
    }
  });

  it('refuses a hidden tool exactly like an unknown one', async () => {
    for (const mode of ['legacy', 'auto'] as const) {
      const alice = await connect(gw, tokens.alice, mode);
      const hidden = await refusal(alice, 'fx__test_image_content');
      expect(hidden).toEqual(await refusal(alice, 'fx__no_such_tool'));
      expect(hidden.message).toMatch(/Unknown tool/);
      await expect(alice.getPrompt({ name: 'fx__test_prompt_with_arguments', arguments: { arg1: 'a', arg2: 'b' } })).rejects.toThrow(/Unknown prompt/);
      await alice.close();
    }
  });

  it('explains each decision with the rule that made it', async () => {
    const res = await gw.api('GET', `/api/v1/virtual-servers/${SERVER_ID}/access?user=alice@example.com`);
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.user).toMatchObject({ id: ids.alice, email: 'alice@example.com', roles: ['eng'], disabled: false });
    const item = (name: string) => body.items.find((i: { exposedName: string }) => i.exposedName === name);
    expect(item('fx__test_simple_text')).toMatchObject({
      kind: 'tool',
      upstream: 'fx',
      name: 'test_simple_text',
      allowed: true,
      reason: 'rule',
      rule: { subjectType: 'role', subjectName: 'eng', effect: 'allow', pattern: 'fx:test_simple_*', virtualServerId: null },
    });
    expect(item('fx__test_image_content')).toMatchObject({ allowed: false, reason: 'default', rule: null });
    expect(item('fx__test_simple_prompt')).toMatchObject({ kind: 'prompt', allowed: true, rule: { virtualServerId: SERVER_ID } });
    const bob = await json(gw.api('GET', `/api/v1/virtual-servers/${SERVER_ID}/access?user=${ids.bob}`));
    const denied = bob.items.find((i: { exposedName: string }) => i.exposedName === 'fx__test_error_handling');
    expect(denied).toMatchObject({ allowed: false, reason: 'rule', rule: { effect: 'deny', subjectName: 'bob@example.com' } });
    expect((await gw.api('GET', `/api/v1/virtual-servers/${SERVER_ID}/access?user=nobody@example.com`)).status).toBe(404);
    expect((await gw.api('GET', `/api/v1/virtual-servers/${SERVER_ID}/access`)).status).toBe(400);
  });

  it('applies a role change to an open session at its next request, and tells it at once', async () => {
    const alice = await connect(gw, tokens.alice);
    let changes = 0;
    alice.setNotificationHandler('notifications/tools/list_changed', () => {
      changes++;
    });
    // (Listing first connects the lazy upstream, itself a list change; the counts below start after it.)
    expect(await toolNames(alice)).toContain('fx__test_simple_text');
    changes = 0;
    // A 2026-07-28 client hears of it on its subscriptions/listen stream.
    const modern = await connect(gw, tokens.alice, 'auto');
    let modernChanges = 0;
    modern.setNotificationHandler('notifications/tools/list_changed', () => {
      modernChanges++;
    });
    const subscription = await modern.listen({ toolsListChanged: true });
    // Bob's rules do not change: his session is not told anything.
    const bob = await connect(gw, tokens.bob);
    let bobChanges = 0;
    bob.setNotificationHandler('notifications/tools/list_changed', () => {
      bobChanges++;
    });
    expect(await toolNames(bob)).not.toContain('fx__test_error_handling');
    expect((await gw.api('PATCH', `/api/v1/users/${ids.alice}`, { roles: [] })).status).toBe(200);
    await waitFor(() => changes > 0, 'tools/list_changed after the role was removed');
    expect(await refusal(alice, 'fx__test_simple_text')).toEqual(await refusal(alice, 'fx__no_such_tool'));
    expect(await toolNames(alice)).toEqual([]);
    expect((await gw.api('PATCH', `/api/v1/users/${ids.alice}`, { roles: ['eng'] })).status).toBe(200);
    await waitFor(() => changes > 1, 'tools/list_changed after the role was restored');
    expect((await alice.callTool({ name: 'fx__test_simple_text', arguments: {} })).isError).toBeFalsy();
    await waitFor(() => modernChanges > 1, 'tools/list_changed on the 2026-07-28 listen stream');
    expect(bobChanges).toBe(0);
    await subscription.close();
    for (const c of [alice, modern, bob]) await c.close();
  });

  it('disabling a user ends their sessions, browser sessions and refresh tokens', async () => {
    const carol = await connect(gw, tokens.carol);
    const [client] = await gw.ctx.db.insert(oauthClients).values({ clientId: `c-${backend}`, kind: 'dcr', redirectUris: ['http://127.0.0.1/cb'] }).returning();
    const expiresAt = new Date(Date.now() + 3_600_000);
    await gw.ctx.db.insert(webSessions).values({ tokenHash: `h-${backend}`, kind: 'login', userId: ids.carol!, csrfToken: 'x', expiresAt });
    await gw.ctx.db.insert(oauthRefreshTokens).values({
      tokenHash: `r-${backend}`,
      familyId: crypto.randomUUID(),
      clientId: client!.id,
      userId: ids.carol!,
      virtualServerId: SERVER_ID,
      resource: 'x',
      scope: 'mcp',
      expiresAt,
    });
    expect((await gw.api('PATCH', `/api/v1/users/${ids.carol}`, { disabled: true })).status).toBe(200);
    expect(await gw.ctx.db.select().from(webSessions).where(eq(webSessions.userId, ids.carol!))).toEqual([]);
    const [token] = await gw.ctx.db.select().from(oauthRefreshTokens).where(eq(oauthRefreshTokens.userId, ids.carol!));
    expect(token!.revokedAt).toBeInstanceOf(Date);
    // Her key died with her account: the next request on the session is refused at the door.
    await expect(carol.listTools()).rejects.toThrow(/a valid API key is required/);
    await carol.close().catch(() => {});
    const explained = await json(gw.api('GET', `/api/v1/virtual-servers/${SERVER_ID}/access?user=carol@example.com`));
    expect(explained.items.every((i: { allowed: boolean; reason: string }) => !i.allowed && i.reason === 'user-disabled')).toBe(true);
  });

  it('records every call, refused ones too, with payloads only where the server opts in', async () => {
    await gw.audit.flush();
    const { items: before } = await json(gw.api('GET', `/api/v1/audit-events?virtualServer=${SERVER_ID}&limit=200`));
    const bob = await connect(gw, tokens.bob);
    await bob.callTool({ name: 'fx__test_simple_text', arguments: {} });
    await bob.callTool({ name: 'fx__test_structured_output', arguments: { a: 2, b: 3 } });
    await refusal(bob, 'fx__test_error_handling'); // denied by bob's rule
    await refusal(bob, 'fx__no_such_tool');
    await bob.readResource({ uri: 'test://static-text' });
    const alice = await connect(gw, tokens.alice);
    expect((await alice.callTool({ name: 'fx__test_error_handling', arguments: {} })).isError).toBe(true);
    await alice.getPrompt({ name: 'fx__test_simple_prompt' });
    await bob.close();
    await alice.close();

    await gw.audit.flush();
    const { items } = await json(gw.api('GET', `/api/v1/audit-events?virtualServer=${SERVER_ID}&limit=200`));
    const fresh = items.slice(0, items.length - before.length).reverse();
    expect(fresh.map((e: Record<string, unknown>) => [e.userEmail, e.kind, e.exposedName, e.outcome, e.errorCode])).toEqual([
      ['bob@example.com', 'tool', 'fx__test_simple_text', 'ok', null],
      ['bob@example.com', 'tool', 'fx__test_structured_output', 'ok', null],
      ['bob@example.com', 'tool', 'fx__test_error_handling', 'denied', 'policy'],
      ['bob@example.com', 'tool', 'fx__no_such_tool', 'denied', 'not_found'],
      ['bob@example.com', 'resource', 'test://static-text', 'ok', null],
      ['alice@example.com', 'tool', 'fx__test_error_handling', 'tool_error', null],
      ['alice@example.com', 'prompt', 'fx__test_simple_prompt', 'ok', null],
    ]);
    expect(fresh[1]).toMatchObject({ upstreamName: 'fx', upstreamItem: 'test_structured_output', arguments: { a: 2, b: 3 }, userId: ids.bob });
    expect(fresh[1].result).toEqual({ content: expect.any(Array), structuredContent: { sum: 5 } }); // hop _meta stripped, as the client saw it
    expect(fresh[3]).toMatchObject({ upstreamName: null, upstreamItem: null });

    // Without the opt-in, no payloads.
    await gw.ctx.db.update(virtualServers).set({ auditPayloads: false }).where(eq(virtualServers.id, SERVER_ID));
    await gw.registry.reload();
    const again = await connect(gw, tokens.bob);
    await again.callTool({ name: 'fx__test_structured_output', arguments: { a: 1, b: 1 } });
    await again.close();
    await gw.audit.flush();
    const [latest] = (await json(gw.api('GET', `/api/v1/audit-events?user=bob@example.com&limit=1`))).items;
    expect(latest).toMatchObject({ exposedName: 'fx__test_structured_output', outcome: 'ok', arguments: null, result: null });
  });
});
