/**
 * Per-user access through the real OAuth flow: who the token says you are decides which
 * tools you see and may call, on the same virtual server. Roles come from the admin API or
 * from an `oidc-provider` claim; revoking one while a session is open takes effect on the
 * next call and the client is told its tool list changed. Every call, allowed or denied,
 * is in the audit trail.
 */
import { CallToolResultSchema, ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { startHttpFixture } from '@switchboard/core/upstream/test-upstreams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { within } from './support/clients.ts';
import { Cleanup, type E2eGateway, startE2eGateway } from './support/gateway.ts';
import { CALLBACK, connectWithOAuth, signInLocally, signInWithProvider } from './support/oauth.ts';
import { addCorpProvider, type RunningProvider, startOidcProvider } from './support/oidc-provider.ts';
import { everythingEntry } from './support/upstreams.ts';

const ACL = '7d2e3f40-5a6b-4c7d-8e9f-a0b1c2d3e4f5';
const alice = { email: 'alice@example.com', password: 'alice-password-123' };
const bob = { email: 'bob@example.com', password: 'bob-password-1234' };

describe('per-user access through OAuth', () => {
  const cleanup = new Cleanup();
  let gw: E2eGateway;
  let idp: RunningProvider;

  beforeAll(async () => {
    const fx = await startHttpFixture();
    cleanup.add(() => fx.stop());
    gw = await startE2eGateway();
    cleanup.add(() => gw.stop());
    idp = await startOidcProvider({ redirectUris: [`${gw.url}/oauth/callback/corp`], publicRedirectUri: CALLBACK, groupsOf: (login) => (login === 'erin' ? ['eng'] : []) });
    cleanup.add(() => idp.stop());
    await gw.importConfig({
      mcpServers: { everything: everythingEntry(), fx: { type: 'http', url: fx.url } },
      virtualServers: { acl: { id: ACL, upstreams: ['everything', 'fx'], auth: 'oauth', defaultAccess: 'deny' } },
      roles: { eng: { allowed_tools: ['everything:*'] }, ops: { allowed_tools: ['fx:test_simple_*'] } },
      users: {
        [alice.email]: { password: alice.password, roles: ['eng'] },
        [bob.email]: { password: bob.password, roles: ['ops'] },
      },
    });
    await addCorpProvider(gw, idp, ['eng']);
  }, 120_000);
  afterAll(() => cleanup.run());

  const names = async (client: { listTools(): Promise<{ tools: Array<{ name: string }> }> }) => (await client.listTools()).tools.map((t) => t.name).sort();

  it('gives two users with different roles different tools on the same server, and refuses the rest like unknown tools', async () => {
    const a = await connectWithOAuth('v2', gw.mcpUrl(ACL), (url) => signInLocally(url, alice));
    const b = await connectWithOAuth('v2', gw.mcpUrl(ACL), (url) => signInLocally(url, bob));
    const aliceTools = await names(a.client);
    const bobTools = await names(b.client);
    expect(aliceTools.length).toBeGreaterThan(3);
    expect(aliceTools.every((n) => n.startsWith('everything__'))).toBe(true);
    expect(bobTools).toEqual(['fx__test_simple_text']);

    const hidden = await a.client.callTool({ name: 'fx__test_simple_text', arguments: {} }).then((r) => ({ ok: r }), (error: Error) => ({ error: error.message }));
    const unknown = await a.client.callTool({ name: 'fx__no_such_tool', arguments: {} }).then((r) => ({ ok: r }), (error: Error) => ({ error: error.message }));
    // Whatever shape the refusal takes, a hidden tool and a missing one look the same.
    expect(JSON.stringify(hidden).replace('test_simple_text', 'X')).toBe(JSON.stringify(unknown).replace('no_such_tool', 'X'));
    expect(JSON.stringify((await b.client.callTool({ name: 'fx__test_simple_text', arguments: {} })).content)).toContain('simple text');
    await a.client.close();
    await b.client.close();

    // The audit trail is written in batches off the request path: wait (bounded) for this batch.
    let events: Array<{ userEmail: string; exposedName: string; outcome: string; clientId: string }> = [];
    for (let tries = 0; tries < 50 && events.length < 3; tries++) {
      if (tries) await new Promise((resolve) => setTimeout(resolve, 200));
      events = (await gw.api('GET', `/api/v1/audit-events?virtualServer=${ACL}&limit=200`)).body.items;
    }
    const aliceEvents = events.filter((e: { userEmail: string }) => e.userEmail === alice.email);
    expect(aliceEvents.map((e: { exposedName: string; outcome: string }) => [e.exposedName, e.outcome]).sort()).toEqual([
      ['fx__no_such_tool', 'denied'],
      ['fx__test_simple_text', 'denied'],
    ]);
    const bobEvents = events.filter((e: { userEmail: string }) => e.userEmail === bob.email);
    expect(bobEvents.map((e: { exposedName: string; outcome: string; clientId: string }) => [e.exposedName, e.outcome, !!e.clientId])).toEqual([['fx__test_simple_text', 'ok', true]]);
  }, 90_000);

  it('grants tools through a role mapped from an oidc-provider claim', async () => {
    const erin = await connectWithOAuth('v2', gw.mcpUrl(ACL), (url) => signInWithProvider(url, 'Corp SSO', 'erin', [gw.url, idp.issuer]));
    expect((await names(erin.client)).some((n) => n.startsWith('everything__'))).toBe(true);
    await erin.client.close();
    const frank = await connectWithOAuth('v2', gw.mcpUrl(ACL), (url) => signInWithProvider(url, 'Corp SSO', 'frank', [gw.url, idp.issuer]));
    expect(await names(frank.client)).toEqual([]);
    await frank.client.close();
  }, 90_000);

  it('applies a revoked role to an open session at its next call and tells the client its tools changed', async () => {
    const session = await connectWithOAuth('v1', gw.mcpUrl(ACL), (url) => signInLocally(url, alice));
    const client = session.client as unknown as import('@modelcontextprotocol/sdk/client/index.js').Client;
    let changed = 0;
    const notified = new Promise<void>((resolve) => {
      client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
        changed++;
        resolve();
      });
    });
    const echo = { name: 'everything__echo', arguments: { message: 'before' } };
    expect(JSON.stringify((await client.callTool(echo, CallToolResultSchema)).content)).toContain('before');

    const users = (await gw.api('GET', '/api/v1/users?limit=200')).body.items;
    const aliceId = users.find((u: { email: string }) => u.email === alice.email).id;
    expect((await gw.api('PATCH', `/api/v1/users/${aliceId}`, { roles: [] })).status).toBe(200);
    await within(notified, 10_000, 'tools/list_changed after the role was revoked');
    expect(changed).toBeGreaterThan(0);
    const after = await client.callTool({ name: 'everything__echo', arguments: { message: 'after' } }, CallToolResultSchema).then(
      (r) => JSON.stringify(r),
      (error: Error) => `refused: ${error.message}`,
    );
    expect(after).not.toContain('after"');
    expect(await names(client as never)).toEqual([]);
    await client.close();
  }, 90_000);
});
