/**
 * The per-upstream protocol pin across processes: one conformance fixture over Streamable
 * HTTP (it speaks both eras) configured twice through a configuration document, `fx` left
 * on auto and `pinned` with `"protocol": "legacy"`, the latter behind a recording proxy.
 * Auto negotiates 2026-07-28; the pinned one opens a 2025-era session with `initialize`
 * and never probes `server/discover`. Tools of both work for clients of either era.
 */
import { type RecordedRequest, startHttpFixture, startRecordingProxy } from '@switchboard/core/upstream/test-upstreams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, textOf } from './support/clients.ts';
import { Cleanup, type E2eGateway, openGateway } from './support/gateway.ts';

const SERVER_ID = '9b4d6f1a-3c5e-4a7b-8d2f-6e0a1c3b5d7f';
const SIMPLE_TEXT = 'This is a simple text response for testing.';

describe('an upstream pinned to a 2025-era session next to one on auto', () => {
  const cleanup = new Cleanup();
  let gw: E2eGateway;
  let seen: RecordedRequest[];

  beforeAll(async () => {
    const fx = await startHttpFixture();
    cleanup.add(() => fx.stop());
    const proxy = await startRecordingProxy(fx.url);
    cleanup.add(() => proxy.stop());
    seen = proxy.seen;
    gw = await openGateway(cleanup, SERVER_ID, {
      fx: { type: 'http', url: fx.url },
      pinned: { type: 'http', url: proxy.url, protocol: 'legacy' },
    });
  });

  afterAll(() => cleanup.run());

  async function statusOf(name: string) {
    const { body } = await gw.api('GET', '/api/v1/upstreams?limit=200');
    const { id } = body.items.find((u: { name: string }) => u.name === name);
    const { status, body: upstream } = await gw.api('GET', `/api/v1/upstreams/${id}`);
    expect(status).toBe(200);
    return upstream;
  }

  it.each(['v2-modern', 'v1-streamable'] as const)(
    'a %s client calls tools of both, reached in 2026-07-28 on auto and in a 2025 version where pinned',
    async (kind) => {
      const client = await connectClient(kind, gw, SERVER_ID);
      try {
        expect(textOf(await client.callTool('fx__test_simple_text'))).toBe(SIMPLE_TEXT);
        expect(textOf(await client.callTool('pinned__test_simple_text'))).toBe(SIMPLE_TEXT);
      } finally {
        await client.close();
      }
      const fx = await statusOf('fx');
      expect(fx.protocol).toBe('auto');
      expect(fx.status).toMatchObject({ state: 'connected', protocolVersion: '2026-07-28' });
      const pinned = await statusOf('pinned');
      expect(pinned.protocol).toBe('legacy');
      expect(pinned.status).toMatchObject({ state: 'connected', protocolVersion: expect.stringMatching(/^2025-/) });
    },
  );

  it('the pinned upstream heard initialize and a session id, never server/discover', () => {
    const methods = seen.filter((r) => r.method === 'POST').map((r) => r.body?.method);
    expect(methods).toContain('initialize');
    expect(methods).not.toContain('server/discover');
    const calls = seen.filter((r) => r.body?.method === 'tools/call');
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((r) => typeof r.headers['mcp-session-id'] === 'string')).toBe(true);
  });

  it('exports the pin, and only the pin', async () => {
    const { body } = await gw.api('GET', '/api/v1/export');
    expect(body.mcpServers.pinned).toMatchObject({ protocol: 'legacy' });
    expect(body.mcpServers.fx).not.toHaveProperty('protocol');
  });
});
