import { mcpKeyFor } from '../testing/mcp-keys.ts';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { fixtureStdio, npmServerBin } from '@switchboard/core/upstream/test-upstreams';
import { auditEvents, users } from '@switchboard/db/schema';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RATE_LIMITED } from '../limits/limit-exceeded.ts';
import type { LimitRefusal } from '../limits/limiter.ts';
import { createTestGateway, json, type TestGateway } from '../testing/test-gateway.ts';

const fixture = fixtureStdio();
const SERVER_ID = '3d8f2b6e-1a4c-4e7b-9f0d-5c2a8e6b4d10';

/** The limits stage on the real gateway (its one pipeline), with the conformance fixture as upstream. */
describe('the limits stage', () => {
  let gw: TestGateway;
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};
  const refusals: LimitRefusal[] = [];

  async function connect(name: string, mode: 'legacy' | 'auto' = 'legacy') {
    const client = new Client({ name: `limits-${name}`, version: '1' }, { versionNegotiation: { mode } });
    const transport = new StreamableHTTPClientTransport(new URL(`http://localhost/servers/${SERVER_ID}/mcp`), {
      fetch: (url, init) => gw.fetch(String(url), init as RequestInit),
      requestInit: { headers: { authorization: `Bearer ${tokens[name]}` } },
    });
    await client.connect(transport);
    return client;
  }

  /** A call's JSON-RPC error (code and data), or 'ok'. */
  async function outcome(client: Client, name: string, args: Record<string, unknown> = {}) {
    try {
      await client.callTool({ name, arguments: args });
      return 'ok';
    } catch (error) {
      const e = error as { code?: number; message: string; data?: { retryAfter?: number; limit?: string; rule?: string } };
      return { code: e.code, message: e.message, data: e.data };
    }
  }

  beforeAll(async () => {
    gw = await createTestGateway('pglite');
    const res = await gw.api('POST', '/api/v1/import', {
      mcpServers: {
        fx: { command: fixture.command, args: fixture.args, cwd: fixture.cwd, connectAtBoot: true },
        everything: { command: process.execPath, args: [npmServerBin('@modelcontextprotocol/server-everything')], connectAtBoot: true },
      },
      virtualServers: { lim: { id: SERVER_ID, upstreams: ['fx', 'everything'], auth: 'api-key', defaultAccess: 'allow' } },
      users: { 'alice@example.com': {}, 'bob@example.com': {} },
      limits: {
        'alice-text': { user: 'alice@example.com', tools: 'fx:test_simple_text', rate: { count: 3, per: 'minute' } },
        'slow-upstream': { tools: 'everything:*', concurrency: 2, shared: true },
      },
    });
    expect(res.status).toBe(200);
    for (const u of await gw.ctx.db.select().from(users)) ids[u.email.split('@')[0]!] = u.id;
    // personal MCP keys: the way a person calls an api-key server
    for (const name of ['alice', 'bob']) tokens[name] = (await mcpKeyFor(gw, `${name}@example.com`, { name })).token;
    gw.limiter.events.on('refused', (refusal) => refusals.push(refusal));
    // both upstreams answer calls (bob has no rule on these)
    const probe = await connect('bob');
    const deadline = Date.now() + 30_000;
    const ready = async () =>
      (await outcome(probe, 'fx__test_image_content')) === 'ok' &&
      (await outcome(probe, 'everything__trigger-long-running-operation', { duration: 0.01, steps: 1 })) === 'ok';
    while (!(await ready()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    await probe.close();
  });
  afterAll(() => gw.close());

  it('refuses a person over their rate with the rate-limit error and a retryAfter, and leaves another person alone', async () => {
    const alice = await connect('alice');
    const bob = await connect('bob');
    for (let i = 0; i < 3; i++) expect(await outcome(alice, 'fx__test_simple_text')).toBe('ok');
    const refused = await outcome(alice, 'fx__test_simple_text');
    expect(refused).toMatchObject({ code: RATE_LIMITED, data: { limit: 'rate', rule: 'alice-text' } });
    const retryAfter = (refused as { data: { retryAfter: number } }).data.retryAfter;
    // 3 per minute: the next token is 20 s away
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(20);
    // the same budget whichever protocol era or adapter the call takes
    const modern = await connect('alice', 'auto');
    expect(await outcome(modern, 'fx__test_simple_text')).toMatchObject({ code: RATE_LIMITED });
    // other tools and other people are not limited by her rule
    expect(await outcome(alice, 'fx__test_image_content')).toBe('ok');
    for (let i = 0; i < 6; i++) expect(await outcome(bob, 'fx__test_simple_text')).toBe('ok');
    for (const c of [alice, bob, modern]) await c.close();

    await gw.audit.flush();
    const limited = await gw.ctx.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.outcome, 'limited'), eq(auditEvents.exposedName, 'fx__test_simple_text')));
    expect(limited.map((e) => [e.userEmail, e.errorCode])).toEqual([
      ['alice@example.com', 'rate'],
      ['alice@example.com', 'rate'],
    ]);
    expect(refusals.filter((r) => r.rule === 'alice-text')).toHaveLength(2);
    expect(refusals[0]).toMatchObject({ scope: 'call', limit: 'rate', virtualServerId: SERVER_ID, upstream: 'fx' });
  });

  it('caps calls in flight: a shared cap refuses a third concurrent call, whoever makes it, until one ends', async () => {
    const alice = await connect('alice');
    const bob = await connect('bob');
    const slow = (client: Client, seconds: number) => outcome(client, 'everything__trigger-long-running-operation', { duration: seconds, steps: 1 });
    const first = slow(alice, 3);
    const second = slow(bob, 3);
    // both are in flight at the upstream
    const deadline = Date.now() + 10_000;
    while (gw.registry.inFlight.size < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(gw.registry.inFlight.size).toBe(2);
    expect(await slow(bob, 0.1)).toMatchObject({ code: RATE_LIMITED, data: { limit: 'concurrency', rule: 'slow-upstream', retryAfter: 1 } });
    expect(await first).toBe('ok');
    expect(await second).toBe('ok');
    // the slots are free again
    expect(await slow(alice, 0.1)).toBe('ok');
    for (const c of [alice, bob]) await c.close();
  });

  it('the explain API reports the limits that apply to a person and what is left of them', async () => {
    const alice = await json(gw.api('GET', `/api/v1/virtual-servers/${SERVER_ID}/access?user=alice@example.com`));
    const byName = Object.fromEntries(alice.limits.map((l: { name: string }) => [l.name, l]));
    expect(Object.keys(byName).sort()).toEqual(['alice-text', 'slow-upstream']);
    // her three calls of the first test used the bucket up (3 per minute: at most one has refilled since)
    expect(byName['alice-text']).toMatchObject({ pattern: 'fx:test_simple_text', rate: { count: 3, per: 'minute' }, shared: false });
    expect(byName['alice-text'].remaining.rate).toBeLessThanOrEqual(1);
    expect(byName['alice-text'].remaining.quota).toBeNull();
    expect(byName['slow-upstream'].remaining).toEqual({ rate: null, quota: null, concurrency: 2 });
    const bob = await json(gw.api('GET', `/api/v1/virtual-servers/${SERVER_ID}/access?user=bob@example.com`));
    expect(bob.limits.map((l: { name: string }) => l.name)).toEqual(['slow-upstream']);
  });

  it('a rule edited through the API applies at once, on a fresh budget', async () => {
    const list = await json(gw.api('GET', '/api/v1/rate-limits'));
    const rule = list.items.find((r: { name: string }) => r.name === 'alice-text');
    expect(rule).toMatchObject({ subject: { type: 'user', id: ids.alice }, pattern: 'fx:test_simple_text', rate: { count: 3, per: 'minute' }, shared: false });
    const patched = await gw.api('PATCH', `/api/v1/rate-limits/${rule.id}`, { rate: { count: 1, per: 'minute' } });
    expect(patched.status).toBe(200);
    const alice = await connect('alice');
    expect(await outcome(alice, 'fx__test_simple_text')).toBe('ok');
    expect(await outcome(alice, 'fx__test_simple_text')).toMatchObject({ code: RATE_LIMITED });
    expect((await gw.api('DELETE', `/api/v1/rate-limits/${rule.id}`)).status).toBe(204);
    expect(await outcome(alice, 'fx__test_simple_text')).toBe('ok');
    await alice.close();
  });
});
