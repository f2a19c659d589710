/**
 * `notifications/tools/list_changed` reaches connected clients when what a virtual server
 * exposes changes, from either side: (a) an upstream's own tool list changes at runtime,
 * (b) an administrator edits the virtual server through the admin API. The next
 * `tools/list` then shows the change.
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, type TestClient, textOf, within } from './support/clients.ts';
import { Cleanup, type E2eGateway, startE2eGateway } from './support/gateway.ts';
import { everythingEntry, misbehavingEntry } from './support/upstreams.ts';

const SERVER_ID = '4d6f8a0c-2e4b-4d6f-b8a1-c3e5f7a9b1d3';
const NOTIFY_MS = 10_000;

/** Counts list_changed notifications and lets a test wait for the next one (bounded). */
function notificationCounter() {
  let count = 0;
  const waiters: Array<() => void> = [];
  return {
    handler: () => {
      count++;
      for (const wake of waiters.splice(0)) wake();
    },
    get count() {
      return count;
    },
    /** Resolves once more than `seen` notifications have arrived. */
    after(seen: number, what: string) {
      return within(
        new Promise<void>((resolve) => {
          if (count > seen) resolve();
          else waiters.push(() => resolve());
        }),
        NOTIFY_MS,
        what,
      );
    },
    /** Waits until no notification has arrived for `quietMs` (bounded): late echoes of earlier changes. */
    async settle(quietMs = 500) {
      const deadline = Date.now() + NOTIFY_MS;
      let last = -1;
      while (last !== count && Date.now() < deadline) {
        last = count;
        await new Promise((resolve) => setTimeout(resolve, quietMs));
      }
    },
  };
}

describe('tools/list_changed reaches connected clients', () => {
  const cleanup = new Cleanup();
  let gw: E2eGateway;
  let legacy: TestClient;
  const legacyChanges = notificationCounter();
  // a 2026-07-28 client hears of changes on a subscriptions/listen stream
  let modern: Client;
  const modernChanges = notificationCounter();
  let upstreamIds: Record<string, string>;

  beforeAll(async () => {
    gw = await startE2eGateway();
    cleanup.add(() => gw.stop());
    await gw.importConfig({
      mcpServers: { everything: everythingEntry(), bad: misbehavingEntry() },
      virtualServers: { live: { id: SERVER_ID, upstreams: ['everything', 'bad'], auth: 'none', defaultAccess: 'allow' } },
    });
    const { body } = await gw.api('GET', '/api/v1/upstreams?limit=100');
    upstreamIds = Object.fromEntries(body.items.map((u: { name: string; id: string }) => [u.name, u.id]));

    legacy = await connectClient('v2-legacy', gw, SERVER_ID);
    cleanup.add(() => legacy.close());
    legacy.onToolListChanged(legacyChanges.handler);
    modern = new Client({ name: 'e2e-listener', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } });
    modern.setNotificationHandler('notifications/tools/list_changed', () => modernChanges.handler());
    await modern.connect(new StreamableHTTPClientTransport(new URL(gw.mcpUrl(SERVER_ID))));
    cleanup.add(() => modern.close());
    expect(modern.getProtocolEra()).toBe('modern');
    const subscription = await modern.listen({ toolsListChanged: true });
    cleanup.add(() => subscription.close());

    // connects the lazy upstreams; the catalog settling may itself announce a change
    expect(await legacy.listToolNames()).toContain('bad__add_tool');
    await Promise.all([legacyChanges.settle(), modernChanges.settle()]);
  });

  afterAll(() => cleanup.run());

  // (the gateway reaches the misbehaving fixture in 2026-07-28, so the upstream's change
  // arrives on the gateway's own subscriptions/listen stream to it)
  it('(a) when an upstream registers a new tool at runtime', async () => {
    const [legacySeen, modernSeen] = [legacyChanges.count, modernChanges.count];
    const added = await legacy.callTool('bad__add_tool', { name: 'fresh_tool' });
    expect(textOf(added)).toBe('added fresh_tool');
    await legacyChanges.after(legacySeen, 'list_changed on the 2025-era session');
    await modernChanges.after(modernSeen, 'list_changed on the 2026-07-28 listen stream');

    const names = await legacy.listToolNames();
    expect(names).toContain('bad__fresh_tool');
    expect(textOf(await legacy.callTool('bad__fresh_tool'))).toBe('fresh_tool');
    expect((await modern.listTools()).tools.map((t) => t.name)).toContain('bad__fresh_tool');
  });

  it('(b) when the virtual server is edited through the admin API', async () => {
    const [legacySeen, modernSeen] = [legacyChanges.count, modernChanges.count];
    const patched = await gw.api('PATCH', `/api/v1/virtual-servers/${SERVER_ID}`, {
      entries: [
        { upstreamId: upstreamIds.bad, kind: 'upstream' },
        { upstreamId: upstreamIds.everything, kind: 'tool', name: 'echo', exposedName: 'say' },
      ],
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    await legacyChanges.after(legacySeen, 'list_changed on the 2025-era session');
    await modernChanges.after(modernSeen, 'list_changed on the 2026-07-28 listen stream');

    const names = await legacy.listToolNames();
    expect(names).toContain('say');
    expect(names).toContain('bad__fresh_tool');
    expect(names.filter((n) => n.startsWith('everything__'))).toEqual([]);
    expect(textOf(await legacy.callTool('say', { message: 'renamed' }))).toBe('Echo: renamed');
    await expect(legacy.callTool('everything__echo', { message: 'gone' })).rejects.toThrow(/everything__echo/);
    expect((await modern.listTools()).tools.map((t) => t.name)).toContain('say');
  });
});
