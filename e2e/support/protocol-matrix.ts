/**
 * Every client era × every upstream kind (issue 19): 12 cells, each listing, calling,
 * getting progress and answering an elicitation the upstream makes during the call.
 * Defined once here and run against one gateway (protocol-matrix.test.ts) and against
 * three replicas behind HAProxy (replicas-protocols.test.ts).
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
import { type ClientKind, connectClient, type Progress, type TestClient, textOf } from './clients.ts';
import { type ApiResponse, Cleanup, type E2eGateway } from './gateway.ts';
import { fixtureEntry, startSseFixture } from './upstreams.ts';

export const MATRIX_SERVER_ID = '8e2c4a6f-1b3d-4f5e-9a7c-0d2e4f6a8b1c';
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

/** Where the matrix runs: one gateway, or a load balancer in front of several. */
export interface MatrixTarget {
  /** The URLs clients use (`mcpUrl`, `sseUrl`). */
  gateway: Pick<E2eGateway, 'mcpUrl' | 'sseUrl'>;
  /** The admin API where configuration is written. */
  api(method: string, path: string, body?: unknown): Promise<ApiResponse>;
  /** The admin API of each process, asked directly: upstream state is per process. */
  processes: Array<(method: string, path: string) => Promise<ApiResponse>>;
  /** Every HTTP request of the clients goes through it (e.g. to see which replica answered). */
  fetch?: typeof fetch;
}

/** An admin API answer as `{ status, body }` (body parsed when JSON). */
export async function apiResponse(res: Response): Promise<ApiResponse> {
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

type Upstreams = { body: { items: Array<{ name: string; status: { state: string; protocolVersion: string | null } | null }> } };

/** The 12 cells against what `target` gives (called in beforeAll; what it starts is stopped through `cleanup`). */
export function describeProtocolMatrix(title: string, target: (cleanup: Cleanup) => Promise<MatrixTarget>) {
  describe(`the protocol matrix: every client era × every upstream kind (${title})`, () => {
    const cleanup = new Cleanup();
    let on: MatrixTarget;
    const clients = new Map<ClientKind, TestClient>();

    beforeAll(async () => {
      const [fx, sse] = await Promise.all([startHttpFixture(), startSseFixture()]);
      cleanup.add(() => fx.stop());
      cleanup.add(() => sse.stop());
      on = await target(cleanup);
      const imported = await on.api('POST', '/api/v1/import', {
        mcpServers: {
          stdio: { ...fixtureEntry(), protocol: 'legacy', connectAtBoot: true },
          sse: { type: 'sse', url: sse.url, connectAtBoot: true },
          http25: { type: 'http', url: fx.url, protocol: 'legacy', connectAtBoot: true },
          http26: { type: 'http', url: fx.url, connectAtBoot: true },
        },
        virtualServers: { matrix: { id: MATRIX_SERVER_ID, upstreams: Object.keys(UPSTREAMS), auth: 'none', defaultAccess: 'allow' } },
      });
      expect(imported.status, JSON.stringify(imported.body)).toBe(200);
      // every upstream connected in every process before the first list (a session lists what is known when it asks)
      for (const api of on.processes) {
        await waitFor(async () => {
          const { body } = (await api('GET', '/api/v1/upstreams?limit=100')) as Upstreams;
          return Object.keys(UPSTREAMS).every((name) => body.items.find((u) => u.name === name)?.status?.state === 'connected');
        }, 'every upstream connected', 60_000);
      }
      for (const kind of CLIENTS) {
        const client = await connectClient(kind, on.gateway as E2eGateway, MATRIX_SERVER_ID, {
          answer: { username: `user-${kind}`, email: `${kind}@example.com` },
          fetch: on.fetch,
        });
        cleanup.add(() => client.close());
        clients.set(kind, client);
      }
    }, 120_000);

    afterAll(() => cleanup.run());

    it('each upstream speaks its own era, each client its own', async () => {
      for (const api of on.processes) {
        const { body } = (await api('GET', '/api/v1/upstreams?limit=100')) as Upstreams;
        for (const [name, { era }] of Object.entries(UPSTREAMS)) {
          expect(body.items.find((u) => u.name === name)?.status?.protocolVersion, name).toMatch(era);
        }
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
}
