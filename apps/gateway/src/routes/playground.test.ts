import { fixtureStdio } from '@switchboard/core/upstream/test-upstreams';
import { auditEvents, virtualServers } from '@switchboard/db/schema';
import { backends } from '@switchboard/db/testing/test-database';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, json, type TestGateway } from '../testing/test-gateway.ts';

const fixture = fixtureStdio();
const SERVER_ID = '7c2e9f41-5b3a-4d6e-8f1a-9b0c2d4e6f81';
const OFF_ID = '7c2e9f41-5b3a-4d6e-8f1a-9b0c2d4e6f82';
const ADMIN = { email: 'play@example.com', password: 'playground password' };
const ALICE = 'alice@example.com';

/**
 * The playground is a real caller: it runs through the virtual server's call pipeline as
 * the person at the console (or, for an admin, as the person chosen), so access policy
 * applies and the audit trail records it like any MCP call.
 */
describe.each(backends)('playground on %s', (backend) => {
  let gw: TestGateway;
  const base = `/api/v1/virtual-servers/${SERVER_ID}/playground`;
  const events = async (name: string) => {
    await gw.audit.flush();
    return gw.database.db.select().from(auditEvents).where(eq(auditEvents.exposedName, name));
  };
  beforeAll(async () => {
    gw = await createTestGateway(backend);
    const res = await gw.api('POST', '/api/v1/import', {
      mcpServers: { fx: { command: fixture.command, args: fixture.args, cwd: fixture.cwd } },
      // default access: deny — only what a rule allows may be listed or called
      virtualServers: {
        dev: { id: SERVER_ID, upstreams: ['fx'], auth: 'oauth' },
        off: { id: OFF_ID, upstreams: ['fx'], disabled: true },
      },
      users: { [ALICE]: { allowed_tools: ['fx:*'] }, [ADMIN.email]: { password: ADMIN.password, admin: true, allowed_tools: ['fx:test_simple_text'] } },
    });
    expect(res.status).toBe(200);
  });
  afterAll(() => gw.close());

  it('lists what the person may use: nothing for a token that acts for no one, everything allowed for the person chosen', async () => {
    const mine = await json(gw.api('GET', `${base}/tools`));
    expect(mine.items).toEqual([]);
    const res = await gw.api('GET', `${base}/tools?asUser=${encodeURIComponent(ALICE)}`);
    expect(res.status).toBe(200);
    const { items } = await json(res);
    const names = items.map((t: { name: string }) => t.name);
    expect(names).toContain('fx__test_simple_text');
    expect([...names].sort()).toEqual(names);
    const image = items.find((t: { name: string }) => t.name === 'fx__test_image_content');
    expect(image).toMatchObject({ upstreamName: 'fx', upstreamTool: 'test_image_content', inputSchema: { type: 'object' } });
  });

  it('refuses a tool the person may not use, and audits it as denied exactly like an MCP call', async () => {
    const res = await gw.api('POST', `${base}/tools/call`, { name: 'fx__test_simple_text', arguments: {} });
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body).toMatchObject({ outcome: 'denied', result: null, error: { code: 'policy' } });
    expect(body.error.message).toContain('no access');
    const [event] = await events('fx__test_simple_text');
    expect(event).toMatchObject({ outcome: 'denied', errorCode: 'policy', upstreamName: 'fx', clientId: 'switchboard-console', userId: null, actor: null });
    const unknown = await json(gw.api('POST', `${base}/tools/call`, { name: 'fx__nope', asUser: ALICE }));
    expect(unknown).toMatchObject({ outcome: 'denied', error: { code: 'not_found' } });
    expect((await events('fx__nope'))[0]).toMatchObject({ outcome: 'denied', errorCode: 'not_found', upstreamName: null });
  });

  it('calls as the person an admin chose, images included, recording both in the audit trail', async () => {
    const res = await gw.api('POST', `${base}/tools/call`, { name: 'fx__test_image_content', arguments: {}, asUser: ALICE });
    const body = await json(res);
    expect(body.outcome).toBe('ok');
    expect(body.error).toBeNull();
    expect(body.result.content[0]).toMatchObject({ type: 'image', mimeType: 'image/png' });
    expect(body.durationMs).toBeGreaterThanOrEqual(0);
    const rows = await events('fx__test_image_content');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      virtualServerId: SERVER_ID,
      kind: 'tool',
      upstreamName: 'fx',
      upstreamItem: 'test_image_content',
      outcome: 'ok',
      clientId: 'switchboard-console',
      userEmail: ALICE,
      actor: expect.stringMatching(/^api-token:/),
      arguments: null,
    });
  });

  it('reports a tool error as a result, and audits it as tool_error', async () => {
    const body = await json(gw.api('POST', `${base}/tools/call`, { name: 'fx__test_error_handling', arguments: {}, asUser: ALICE }));
    expect(body.outcome).toBe('tool_error');
    expect(body.result.isError).toBe(true);
    expect((await events('fx__test_error_handling'))[0]?.outcome).toBe('tool_error');
  });

  it('stores redacted arguments and the result on a server that records payloads', async () => {
    await gw.api('PATCH', `/api/v1/virtual-servers/${SERVER_ID}`, { auditPayloads: true });
    const args = { message: 'hello', apiKey: 'do-not-store' };
    const body = await json(gw.api('POST', `${base}/tools/call`, { name: 'fx__test_tool_with_logging', arguments: args, asUser: ALICE }));
    expect(body.outcome).toBe('ok');
    const [event] = await events('fx__test_tool_with_logging');
    expect(event?.arguments).toEqual({ message: 'hello', apiKey: '[redacted]' });
    expect(event?.result).toMatchObject({ content: expect.any(Array) });
    await gw.api('PATCH', `/api/v1/virtual-servers/${SERVER_ID}`, { auditPayloads: false });
  });

  it('runs as the signed-in console administrator under their own rules', async () => {
    const signIn = await gw.fetch('/api/v1/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
    const { csrfToken } = await json(signIn);
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0]!;
    const call = (name: string) =>
      json(
        gw.fetch(`${base}/tools/call`, {
          method: 'POST',
          headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
          body: JSON.stringify({ name }),
        }),
      );
    expect((await call('fx__test_simple_text')).result.content).toEqual([{ type: 'text', text: 'This is a simple text response for testing.' }]);
    // being an administrator grants no tool access by itself
    expect((await call('fx__test_structured_output')).outcome).toBe('denied');
    await gw.audit.flush();
    const admin = await gw.database.db.select().from(auditEvents).where(and(eq(auditEvents.userEmail, ADMIN.email), eq(auditEvents.outcome, 'ok')));
    expect(admin).toHaveLength(1);
    expect(admin[0]).toMatchObject({ exposedName: 'fx__test_simple_text', actor: null });
  });

  it('404 for an unknown server or person, 409 for a disabled server, 400 for bad input', async () => {
    expect((await gw.api('GET', '/api/v1/virtual-servers/0b5e7c1a-9d2f-4c7e-8a51-3f6d2e9b1c40/playground/tools')).status).toBe(404);
    const nobody = await gw.api('POST', `${base}/tools/call`, { name: 'fx__test_simple_text', asUser: 'nobody@example.com' });
    expect(nobody.status).toBe(404);
    expect((await json(nobody)).error.code).toBe('unknown_user');
    const off = await gw.api('GET', `/api/v1/virtual-servers/${OFF_ID}/playground/tools`);
    expect(off.status).toBe(409);
    expect((await gw.api('POST', `${base}/tools/call`, { arguments: {} })).status).toBe(400);
    expect(await gw.database.db.select().from(virtualServers).where(eq(virtualServers.id, SERVER_ID))).toHaveLength(1);
  });

  it('needs an admin credential', async () => {
    expect((await gw.api('GET', `${base}/tools`, undefined, null)).status).toBe(401);
  });
});
