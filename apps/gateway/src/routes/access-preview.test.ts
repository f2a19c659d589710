import { fixtureStdio, freePort, startHttpFixture, type Served } from '@switchboard/core/upstream/test-upstreams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, json, type TestGateway } from '../testing/test-gateway.ts';

const SERVER_ID = '5f2d7c9e-0a4b-4e61-8c3d-2b9a7e1f6d40';
const fixture = fixtureStdio();

/**
 * Issue 18 #5: the access preview connects the server's upstreams before answering
 * (connect-on-use is the default), uses what an unreachable upstream listed when it was last
 * connected, and marks an upstream it could not list at all instead of leaving it out.
 */
describe('access preview and upstreams not connected yet', () => {
  let gw: TestGateway;
  let http: Served | undefined;
  let downUrl = '';

  beforeAll(async () => {
    gw = await createTestGateway('pglite');
    http = await startHttpFixture();
    downUrl = `http://127.0.0.1:${await freePort()}/mcp`;
    const res = await gw.api('POST', '/api/v1/import', {
      // Connect-on-use (the default) for every one of them.
      mcpServers: {
        lazy: { command: fixture.command, args: fixture.args, cwd: fixture.cwd },
        was: { type: 'http', url: http.url },
        down: { type: 'http', url: downUrl },
      },
      virtualServers: { preview: { id: SERVER_ID, upstreams: ['lazy', 'was', 'down'], defaultAccess: 'allow' } },
      users: { 'alice@example.com': {} },
    });
    expect(res.status).toBe(200);
  });
  afterAll(async () => {
    await gw.close();
    await http?.stop();
  });

  it('connects a lazy upstream first and counts its tools', async () => {
    const lazy = (await json(gw.api('GET', '/api/v1/upstreams?q=lazy'))).items[0];
    expect(lazy.status.state).not.toBe('connected');
    const explain = () => json(gw.api('GET', `/api/v1/virtual-servers/${SERVER_ID}/access?user=alice@example.com`));
    let body = await explain();
    // A first start of the stdio fixture may outlast the gateway's wait on this busy machine: then
    // it is said to be connecting (none of its items made up), and a later answer lists it.
    for (let i = 0; i < 10 && body.upstreams.some((u: { state: string }) => u.state === 'connecting'); i++) {
      expect(body.items.some((i: { upstream: string }) => i.upstream === 'lazy')).toBe(false);
      body = await explain();
    }
    const state = Object.fromEntries(body.upstreams.map((u: { name: string; state: string }) => [u.name, u.state]));
    expect(state).toEqual({ lazy: 'live', was: 'live', down: 'unknown' });
    const tools = body.items.filter((i: { kind: string; upstream: string }) => i.kind === 'tool' && i.upstream === 'lazy');
    expect(tools.length).toBeGreaterThan(5);
    expect(tools.every((i: { allowed: boolean }) => i.allowed)).toBe(true);
    // The one it could not list says why, and none of its items are made up.
    expect(body.upstreams.find((u: { name: string }) => u.name === 'down').detail).toMatch(/ECONNREFUSED/);
    expect(body.items.some((i: { upstream: string }) => i.upstream === 'down')).toBe(false);
  });

  it('answers from the stored catalog for an upstream that listed before and is unreachable now', async () => {
    const was = (await json(gw.api('GET', '/api/v1/upstreams?q=was'))).items[0];
    const before = await json(gw.api('GET', `/api/v1/virtual-servers/${SERVER_ID}/access?user=alice@example.com`));
    const wasItems = before.items.filter((i: { upstream: string }) => i.upstream === 'was');
    expect(wasItems.length).toBeGreaterThan(0);
    await http!.stop();
    http = undefined;
    // Restarting the connection finds nothing listening: the upstream fails from now on.
    await gw.api('POST', `/api/v1/upstreams/${was.id}/restart`);
    const after = await json(gw.api('GET', `/api/v1/virtual-servers/${SERVER_ID}/access?user=alice@example.com`));
    const entry = after.upstreams.find((u: { name: string }) => u.name === 'was');
    expect(entry.state).toBe('stored');
    expect(entry.detail).toMatch(/ECONNREFUSED|fetch failed/);
    expect(after.items.filter((i: { upstream: string }) => i.upstream === 'was')).toEqual(wasItems);
  });
});
