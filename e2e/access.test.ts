/**
 * Per-user tool access and the audit trail, end to end: a real gateway process state
 * (embedded PGlite, real socket), real upstreams (server-everything, server-memory) and
 * real SDK clients, each user calling with their own API key (the OAuth flow will replace
 * the keys; the policy path is the same). Checks: different users see different tools on
 * one server; a hidden tool is refused exactly like an unknown one (fast path and SDK
 * path); revoking a role under an open v1 session refuses its next call and sends
 * tools/list_changed; the audit trail holds one event per call, refused ones included.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../apps/gateway/src/services/api-tokens.ts';
import { type ClientKind, connectClient, type TestClient, within } from './support/clients.ts';
import { Cleanup, type E2eGateway, startE2eGateway } from './support/gateway.ts';
import { everythingEntry, memoryEntry } from './support/upstreams.ts';

const SERVER_ID = '9a1b7c3d-5e2f-4a6b-8c0d-2e4f6a8b0c1d';
const READER_TOOLS = ['everything__echo', 'memory__read_graph', 'memory__search_nodes'];

type Outcome = 'ok' | 'tool_error' | 'denied';

describe('per-user access through the gateway', () => {
  const cleanup = new Cleanup();
  let gw: E2eGateway;
  const tokens: Record<string, string> = {};
  const userIds: Record<string, string> = {};
  /** Every call this file makes on the server, in order: what the audit trail must hold. */
  const calls: Array<{ email: string; name: string; outcome: Outcome }> = [];

  async function call(client: TestClient, email: string, name: string, args: Record<string, unknown>): Promise<unknown> {
    try {
      const result = await client.callTool(name, args);
      calls.push({ email, name, outcome: result.isError ? 'tool_error' : 'ok' });
      return result;
    } catch (error) {
      calls.push({ email, name, outcome: 'denied' });
      return error;
    }
  }

  /** The refusal as a client sees it, with the name replaced so two refusals compare. */
  const refusalShape = (error: unknown, name: string) => {
    const e = error as { code?: unknown; message?: string };
    return { code: e.code, message: e.message?.replaceAll(name, '<name>') };
  };

  const connect = (kind: ClientKind, user: string) => connectClient(kind, gw, SERVER_ID, { token: tokens[user], elicitation: false });

  beforeAll(async () => {
    gw = await startE2eGateway();
    cleanup.add(() => gw.stop());
    await gw.importConfig({
      mcpServers: { everything: everythingEntry(), memory: memoryEntry(join(gw.tmp, 'memory.jsonl')) },
      virtualServers: { team: { id: SERVER_ID, upstreams: ['everything', 'memory'], auth: 'api-key', defaultAccess: 'deny' } },
      roles: {
        readers: { allowed_tools: ['memory:read_graph', 'memory:search_nodes', 'everything:echo'] },
        writers: { allowed_tools: ['memory:*'], denied_tools: ['memory:delete_*'] },
      },
      users: { 'alice@example.com': { roles: ['readers', 'writers'] }, 'bob@example.com': { roles: ['readers'] } },
    });
    const { body } = await gw.api('GET', '/api/v1/users?limit=200');
    for (const user of body.items as Array<{ id: string; email: string }>) {
      userIds[user.email] = user.id;
      // A personal MCP key of the user: on an api-key server it acts as its owner.
      tokens[user.email] = (await createApiToken(gw.running.deps.ctx, { name: user.email, scopes: ['mcp'], userId: user.id })).token;
    }
    // written past the admin API: apply them as an admin change would (keys are admitted from memory)
    await gw.running.deps.registry.configChanged();
  });
  afterAll(() => cleanup.run());

  it('shows two users on the same server different tools, on every client kind', async () => {
    for (const kind of ['v1-streamable', 'v1-sse', 'v2-legacy', 'v2-modern'] as const) {
      const alice = await connect(kind, 'alice@example.com');
      const bob = await connect(kind, 'bob@example.com');
      const aliceTools = (await alice.listToolNames()).sort();
      expect(aliceTools).toEqual(expect.arrayContaining([...READER_TOOLS, 'memory__create_entities', 'memory__add_observations']));
      expect(aliceTools.filter((t) => t.includes('delete'))).toEqual([]);
      expect((await bob.listToolNames()).sort()).toEqual(READER_TOOLS);
      await alice.close();
      await bob.close();
    }
  });

  it('refuses a hidden tool exactly like an unknown one', async () => {
    for (const kind of ['v1-streamable', 'v2-modern'] as const) {
      const bob = await connect(kind, 'bob@example.com');
      const hidden = await call(bob, 'bob@example.com', 'memory__create_entities', { entities: [] });
      const unknown = await call(bob, 'bob@example.com', 'memory__no_such_tool', {});
      expect(refusalShape(hidden, 'memory__create_entities')).toEqual(refusalShape(unknown, 'memory__no_such_tool'));
      expect((hidden as Error).message).toMatch(/Unknown tool/);
      await call(bob, 'bob@example.com', 'everything__echo', { message: `hi from ${kind}` });
      await bob.close();
    }
  });

  it('revoking a role under an open v1 session refuses its next call and sends tools/list_changed', async () => {
    const alice = await connect('v1-streamable', 'alice@example.com');
    cleanup.add(() => alice.close());
    let notified: () => void = () => {};
    const changed = new Promise<void>((resolve) => {
      notified = resolve;
    });
    alice.onToolListChanged(() => notified());
    const entity = { name: 'gateway', entityType: 'project', observations: ['federates MCP servers'] };
    await call(alice, 'alice@example.com', 'memory__create_entities', { entities: [entity] });
    expect(calls.at(-1)?.outcome).toBe('ok');

    const res = await gw.api('PATCH', `/api/v1/users/${userIds['alice@example.com']}`, { roles: ['readers'] });
    expect(res.status).toBe(200);
    await within(changed, 10_000, 'tools/list_changed after the role was revoked');
    const refused = await call(alice, 'alice@example.com', 'memory__add_observations', { observations: [{ entityName: 'gateway', contents: ['x'] }] });
    expect((refused as Error).message).toMatch(/Unknown tool: memory__add_observations/);
    expect((await alice.listToolNames()).sort()).toEqual(READER_TOOLS);
    await call(alice, 'alice@example.com', 'memory__read_graph', {});
  });

  it('records one audit event per call, in order, refused calls included', async () => {
    await gw.running.deps.audit.flush();
    const { status, body } = await gw.api('GET', `/api/v1/audit-events?virtualServer=${SERVER_ID}&limit=200`);
    expect(status).toBe(200);
    const events = [...body.items].reverse() as Array<{ userEmail: string; userId: string; exposedName: string; outcome: string; errorCode: string | null; durationMs: number }>;
    expect(events.map((e) => ({ email: e.userEmail, name: e.exposedName, outcome: e.outcome }))).toEqual(calls);
    expect(events.filter((e) => e.outcome === 'denied').map((e) => e.errorCode)).toEqual(['policy', 'not_found', 'policy', 'not_found', 'policy']);
    for (const e of events) {
      expect(e.userId).toBe(userIds[e.userEmail]);
      expect(e.durationMs).toBeGreaterThanOrEqual(0);
    }
    const denied = await gw.api('GET', `/api/v1/audit-events?virtualServer=${SERVER_ID}&outcome=denied&user=bob@example.com`);
    expect(denied.body.items).toHaveLength(4);
  });
});
