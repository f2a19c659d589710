import { fixtureStdio } from '@switchboard/core/upstream/test-upstreams';
import { auditEvents, virtualServers } from '@switchboard/db/schema';
import { backends } from '@switchboard/db/testing/test-database';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, json, type TestGateway } from '../testing/test-gateway.ts';

const fixture = fixtureStdio();
const SERVER_ID = '7c2e9f41-5b3a-4d6e-8f1a-9b0c2d4e6f81';
const OFF_ID = '7c2e9f41-5b3a-4d6e-8f1a-9b0c2d4e6f82';
const ADMIN = { email: 'play@example.com', password: 'playground password' };

describe.each(backends)('admin playground on %s', (backend) => {
  let gw: TestGateway;
  const base = `/api/v1/virtual-servers/${SERVER_ID}/playground`;
  beforeAll(async () => {
    gw = await createTestGateway(backend);
    const res = await gw.api('POST', '/api/v1/import', {
      mcpServers: { fx: { command: fixture.command, args: fixture.args, cwd: fixture.cwd } },
      virtualServers: {
        dev: { id: SERVER_ID, upstreams: ['fx'], auth: 'oauth' },
        off: { id: OFF_ID, upstreams: ['fx'], disabled: true },
      },
    });
    expect(res.status).toBe(200);
  });
  afterAll(() => gw.close());

  it('lists the tools with their input schemas and where they come from, connecting lazy upstreams', async () => {
    const res = await gw.api('GET', `${base}/tools`);
    expect(res.status).toBe(200);
    const { items } = await json(res);
    const names = items.map((t: { name: string }) => t.name);
    expect(names).toContain('fx__test_simple_text');
    expect([...names].sort()).toEqual(names);
    const image = items.find((t: { name: string }) => t.name === 'fx__test_image_content');
    expect(image).toMatchObject({ upstreamName: 'fx', upstreamTool: 'test_image_content', inputSchema: { type: 'object' } });
  });

  it('calls a tool and answers its content, images included, and records the call in the audit trail', async () => {
    const res = await gw.api('POST', `${base}/tools/call`, { name: 'fx__test_image_content', arguments: {} });
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.outcome).toBe('ok');
    expect(body.error).toBeNull();
    expect(body.result.content[0]).toMatchObject({ type: 'image', mimeType: 'image/png' });
    expect(body.durationMs).toBeGreaterThanOrEqual(0);
    const events = await gw.database.db.select().from(auditEvents).where(eq(auditEvents.exposedName, 'fx__test_image_content'));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      virtualServerId: SERVER_ID,
      kind: 'tool',
      upstreamName: 'fx',
      upstreamItem: 'test_image_content',
      outcome: 'ok',
      clientId: 'switchboard-console',
      arguments: null,
    });
  });

  it('reports a tool error as a result, and audits it as tool_error', async () => {
    const body = await json(gw.api('POST', `${base}/tools/call`, { name: 'fx__test_error_handling', arguments: {} }));
    expect(body.outcome).toBe('tool_error');
    expect(body.result.isError).toBe(true);
    const [event] = await gw.database.db.select().from(auditEvents).where(eq(auditEvents.exposedName, 'fx__test_error_handling'));
    expect(event?.outcome).toBe('tool_error');
  });

  it('stores redacted arguments and the result on a server that records payloads', async () => {
    await gw.database.db.update(virtualServers).set({ auditPayloads: true }).where(eq(virtualServers.id, SERVER_ID));
    const args = { message: 'hello', apiKey: 'do-not-store' };
    const body = await json(gw.api('POST', `${base}/tools/call`, { name: 'fx__test_tool_with_logging', arguments: args }));
    expect(body.outcome).toBe('ok');
    const [event] = await gw.database.db.select().from(auditEvents).where(eq(auditEvents.exposedName, 'fx__test_tool_with_logging'));
    expect(event?.arguments).toEqual({ message: 'hello', apiKey: '[redacted]' });
    expect(event?.result).toMatchObject({ content: expect.any(Array) });
    await gw.database.db.update(virtualServers).set({ auditPayloads: false }).where(eq(virtualServers.id, SERVER_ID));
  });

  it('records the signed-in console administrator as the caller', async () => {
    const user = await json(gw.api('POST', '/api/v1/users', { ...ADMIN, isAdmin: true }));
    const signIn = await gw.app.request('/api/v1/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    const { csrfToken } = await json(signIn);
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0]!;
    const res = await gw.app.request(`${base}/tools/call`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'fx__test_simple_text' }),
    });
    expect((await json(res)).result.content).toEqual([{ type: 'text', text: 'This is a simple text response for testing.' }]);
    const [event] = await gw.database.db.select().from(auditEvents).where(eq(auditEvents.exposedName, 'fx__test_simple_text'));
    expect(event).toMatchObject({ userId: user.id, userEmail: ADMIN.email });
  });

  it('404 for an unknown tool or server, 409 for a disabled server, 400 for bad input', async () => {
    const unknown = await gw.api('POST', `${base}/tools/call`, { name: 'fx__nope' });
    expect(unknown.status).toBe(404);
    expect((await json(unknown)).error.code).toBe('unknown_tool');
    expect((await gw.api('GET', '/api/v1/virtual-servers/0b5e7c1a-9d2f-4c7e-8a51-3f6d2e9b1c40/playground/tools')).status).toBe(404);
    const off = await gw.api('GET', `/api/v1/virtual-servers/${OFF_ID}/playground/tools`);
    expect(off.status).toBe(409);
    expect((await gw.api('POST', `${base}/tools/call`, { arguments: {} })).status).toBe(400);
  });

  it('needs an admin credential', async () => {
    expect((await gw.api('GET', `${base}/tools`, undefined, null)).status).toBe(401);
  });
});
