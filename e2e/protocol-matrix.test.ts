/**
 * Every client era × every upstream kind (issue 19): 12 cells, each listing, calling,
 * getting progress and answering an elicitation the upstream makes during the call.
 *
 *   clients    v1-sse (2024-11-05 HTTP+SSE) · v2-legacy (2025-11-25 sessions) · v2-modern (2026-07-28 stateless)
 *   upstreams  stdio (2025) · sse (the old HTTP+SSE transport; a v1-SDK server, 2025 version) ·
 *              http25 (Streamable HTTP pinned to 2025) · http26 (Streamable HTTP, 2026-07-28)
 *
 * The cells that need a bridge: a 2026-07-28 client asked something by a 2025-era upstream
 * mid-call (the gateway holds the call and answers `input_required`, pipeline/input-bridge.ts),
 * and a 2025-era client asked by a 2026-07-28 upstream (its `input_required`, relayed by the SDK).
 */
import { startHttpFixture, waitFor } from '@switchboard/core/upstream/test-upstreams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClientKind, connectClient, type Progress, type TestClient, textOf } from './support/clients.ts';
import { Cleanup, type E2eGateway, startE2eGateway } from './support/gateway.ts';
import { fixtureEntry, startSseFixture } from './support/upstreams.ts';

const SERVER_ID = '8e2c4a6f-1b3d-4f5e-9a7c-0d2e4f6a8b1c';
const CLIENTS: ClientKind[] = ['v1-sse', 'v2-legacy', 'v2-modern'];

/** What to call on each upstream kind: a plain tool, one that reports progress, one that elicits. */
const UPSTREAMS = {
  stdio: { call: ['test_simple_text', {}], progress: 'test_tool_with_progress', elicit: ['test_elicitation', { message: 'who is it?' }], era: /^2025-/ },
  sse: { call: ['echo', { text: 'hi' }], progress: 'slow_progress', elicit: ['ask_name', {}], era: /^2025-/ },
  http25: { call: ['test_simple_text', {}], progress: 'test_tool_with_progress', elicit: ['test_elicitation', { message: 'who is it?' }], era: /^2025-/ },
  http26: { call: ['test_simple_text', {}], progress: 'test_tool_with_progress', elicit: ['test_elicitation', { message: 'who is it?' }], era: /^2026-07-28$/ },
} as const;
type UpstreamKind = keyof typeof UPSTREAMS;
const CELLS = CLIENTS.flatMap((client) => (Object.keys(UPSTREAMS) as UpstreamKind[]).map((upstream) => [client, upstream] as const));

describe('the protocol matrix: every client era × every upstream kind', () => {
  const cleanup = new Cleanup();
  let gw: E2eGateway;
  const clients = new Map<ClientKind, TestClient>();

  beforeAll(async () => {
    const [fx, sse] = await Promise.all([startHttpFixture(), startSseFixture()]);
    cleanup.add(() => fx.stop());
    cleanup.add(() => sse.stop());
    gw = await startE2eGateway();
    cleanup.add(() => gw.stop());
    await gw.importConfig({
      mcpServers: {
        stdio: { ...fixtureEntry(), protocol: 'legacy', connectAtBoot: true },
        sse: { type: 'sse', url: sse.url, connectAtBoot: true },
        http25: { type: 'http', url: fx.url, protocol: 'legacy', connectAtBoot: true },
        http26: { type: 'http', url: fx.url, connectAtBoot: true },
      },
      virtualServers: { matrix: { id: SERVER_ID, upstreams: Object.keys(UPSTREAMS), auth: 'none', defaultAccess: 'allow' } },
    });
    // every upstream connected before the first list (a session lists what is known when it asks)
    await waitFor(async () => {
      const { body } = await gw.api('GET', '/api/v1/upstreams?limit=100');
      return (body.items as Array<{ status: { state: string } | null }>).every((u) => u.status?.state === 'connected');
    }, 'every upstream connected', 60_000);
    for (const kind of CLIENTS) {
      const client = await connectClient(kind, gw, SERVER_ID, { answer: { username: `user-${kind}`, email: `${kind}@example.com` } });
      cleanup.add(() => client.close());
      clients.set(kind, client);
    }
  }, 120_000);

  afterAll(() => cleanup.run());

  it('each upstream speaks its own era, each client its own', async () => {
    const { body } = await gw.api('GET', '/api/v1/upstreams?limit=100');
    for (const [name, { era }] of Object.entries(UPSTREAMS)) {
      const upstream = (body.items as Array<{ name: string; status: { protocolVersion: string | null } | null }>).find((u) => u.name === name);
      expect(upstream?.status?.protocolVersion, name).toMatch(era);
    }
    expect(Object.fromEntries([...clients].map(([kind, c]) => [kind, c.protocol]))).toEqual({ 'v1-sse': '2024-11-05', 'v2-legacy': '2025-11-25', 'v2-modern': 'modern' });
  });

  it.each(CELLS)('%s × %s: list, call, progress, elicitation', async (kind, upstream) => {
    const client = clients.get(kind)!;
    const tools = UPSTREAMS[upstream];
    const names = await client.listToolNames();
    for (const tool of [tools.call[0], tools.progress, tools.elicit[0]]) expect(names).toContain(`${upstream}__${tool}`);

    const called = await client.callTool(`${upstream}__${tools.call[0]}`, tools.call[1]);
    expect(called.isError).toBeFalsy();
    expect(textOf(called).length).toBeGreaterThan(0);

    const progress: Progress[] = [];
    const slow = await client.callTool(`${upstream}__${tools.progress}`, {}, { onprogress: (p) => progress.push(p) });
    expect(slow.isError).toBeFalsy();
    expect(progress.length).toBeGreaterThan(0);

    const before = client.elicitations.length;
    const elicited = await client.callTool(`${upstream}__${tools.elicit[0]}`, tools.elicit[1]);
    expect(elicited.isError).toBeFalsy();
    expect(textOf(elicited)).toContain(`user-${kind}`);
    expect(client.elicitations.length).toBe(before + 1);
  });
});
