/**
 * One gateway federating four real upstreams of three transports and two protocol eras:
 *   everything  server-everything, stdio, 2025-era
 *   memory      server-memory, stdio, 2025-era (its graph in a temp file)
 *   fx          the conformance fixture over Streamable HTTP, speaking 2026-07-28
 *   sse         the v1-SDK fixture on the old HTTP+SSE transport (2024-11-05)
 * and four kinds of real SDK clients in front of it (see support/clients.ts), plus 2025-era
 * ones that declare no capabilities. Each client lists, calls a tool of every upstream,
 * gets progress and answers an elicitation: the gateway bridges every client era to every
 * upstream era.
 */
import { join } from 'node:path';
import { startHttpFixture } from '@switchboard/core/upstream/test-upstreams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_KINDS, type ClientKind, connectClient, type Progress, type TestClient, textOf } from './support/clients.ts';
import { Cleanup, type E2eGateway, startE2eGateway } from './support/gateway.ts';
import { everythingEntry, memoryEntry, startSseFixture } from './support/upstreams.ts';

const SERVER_ID = '5b9d3e1f-7a2c-4e6b-8d0f-1c3a5e7b9d2f';
const PREFIXES = ['everything', 'memory', 'fx', 'sse'];
/** Every client kind with elicitation, plus 2025-era clients that declare no capabilities (the fast path). */
const VARIANTS: Array<[ClientKind, 'with elicitation' | 'no capabilities']> = [
  ...CLIENT_KINDS.map((kind) => [kind, 'with elicitation'] as [ClientKind, 'with elicitation']),
  ['v2-legacy', 'no capabilities'],
  ['v1-streamable', 'no capabilities'],
  ['v1-sse', 'no capabilities'],
];

describe('federation across processes, transports and protocol eras', () => {
  const cleanup = new Cleanup();
  let gw: E2eGateway;

  beforeAll(async () => {
    const fx = await startHttpFixture();
    cleanup.add(() => fx.stop());
    const sse = await startSseFixture();
    cleanup.add(() => sse.stop());
    gw = await startE2eGateway();
    cleanup.add(() => gw.stop());
    await gw.importConfig({
      mcpServers: {
        everything: everythingEntry(),
        memory: memoryEntry(join(gw.tmp, 'memory.jsonl')),
        fx: { type: 'http', url: fx.url },
        sse: { type: 'sse', url: sse.url },
      },
      virtualServers: {
        dev: { id: SERVER_ID, upstreams: PREFIXES, auth: 'none', defaultAccess: 'allow' },
      },
    });
  });

  afterAll(() => cleanup.run());

  describe.each(VARIANTS)('client %s, %s', (kind, capabilities) => {
    const elicitation = capabilities === 'with elicitation';
    const label = elicitation ? kind : `${kind}-plain`;
    let client: TestClient;
    beforeAll(async () => {
      const answer = { username: `user-${kind}`, email: `${kind}@example.com` };
      client = await connectClient(kind, gw, SERVER_ID, { answer, elicitation });
    });
    afterAll(() => client?.close());

    it('negotiates the protocol era it asked for', () => {
      const expected: Record<ClientKind, string> = {
        'v2-modern': 'modern',
        'v2-legacy': '2025-11-25',
        'v1-streamable': '2025-11-25',
        'v1-sse': '2024-11-05',
      };
      expect(client.protocol).toBe(expected[kind]);
    });

    it('lists the tools of every upstream, each under its upstream prefix', async () => {
      const names = await client.listToolNames();
      expect(names).toEqual(
        expect.arrayContaining([
          'everything__echo',
          'everything__trigger-long-running-operation',
          'memory__create_entities',
          'memory__read_graph',
          'fx__test_simple_text',
          'fx__test_elicitation',
          'sse__add',
        ]),
      );
      for (const name of names) expect(PREFIXES).toContain(name.split('__')[0]);
      expect(new Set(names.map((n) => n.split('__')[0]))).toEqual(new Set(PREFIXES));
    });

    it('calls a tool of every upstream', async () => {
      const echo = await client.callTool('everything__echo', { message: `hello from ${label}` });
      expect(textOf(echo)).toBe(`Echo: hello from ${label}`);

      const entity = { name: `entity-${label}`, entityType: 'client', observations: [`seen through ${label}`] };
      const created = await client.callTool('memory__create_entities', { entities: [entity] });
      expect(created.isError).toBeFalsy();
      const graph = JSON.parse(textOf(await client.callTool('memory__read_graph'))) as { entities: Array<{ name: string; observations: string[] }> };
      expect(graph.entities).toContainEqual(expect.objectContaining({ name: entity.name, observations: entity.observations }));

      expect(textOf(await client.callTool('fx__test_simple_text'))).toBe('This is a simple text response for testing.');
      expect(textOf(await client.callTool('sse__add', { a: 20, b: 22 }))).toBe('42');
    });

    it('relays progress of long-running tools from every transport', async () => {
      const fxProgress: Progress[] = [];
      const fx = await client.callTool('fx__test_tool_with_progress', {}, { onprogress: (p) => fxProgress.push(p) });
      expect(fxProgress.map((p) => p.progress)).toEqual([0, 50, 100]);
      expect(fxProgress[1]).toMatchObject({ total: 100, message: 'Completed step 50 of 100' });
      // the fixture answers with the progress token it saw: the gateway's own, not the client's
      expect(textOf(fx)).not.toBe('no progress token');

      const sseProgress: number[] = [];
      await client.callTool('sse__slow_progress', {}, { onprogress: (p) => sseProgress.push(p.progress) });
      expect(sseProgress).toEqual([1, 2, 3]);

      const everythingProgress: Progress[] = [];
      const long = await client.callTool(
        'everything__trigger-long-running-operation',
        { duration: 1, steps: 4 },
        { onprogress: (p) => everythingProgress.push(p) },
      );
      expect(textOf(long)).toBe('Long running operation completed. Duration: 1 seconds, Steps: 4.');
      // server-everything sends its last progress right before the result, with no pause:
      // the gateway still delivers all four, in order, on every transport.
      const steps = everythingProgress.map((p) => p.progress);
      expect(steps).toEqual([1, 2, 3, 4]);
      expect(everythingProgress.every((p) => p.total === 4)).toBe(true);
    });

    if (!elicitation) {
      it('fails an elicitation cleanly when the client cannot answer one', async () => {
        const started = Date.now();
        const failed = await client.callTool('fx__test_elicitation', { message: 'anyone?' }).then(
          () => undefined,
          (error: unknown) => error,
        );
        // the upstream sees (through the gateway) that this client has no elicitation capability
        expect(failed).toMatchObject({ code: -32021, message: expect.stringContaining('elicitation/create') });
        expect(Date.now() - started).toBeLessThan(10_000);
      });
      return;
    }

    it('completes an elicitation round trip with this client', async () => {
      const result = await client.callTool('fx__test_elicitation', { message: `who is calling via ${kind}?` });
      expect(result.isError).toBeFalsy();
      expect(textOf(result)).toBe(`User response: action=accept, content={"username":"user-${kind}","email":"${kind}@example.com"}`);
      expect(client.elicitations).toEqual([{ message: `who is calling via ${kind}?` }]);
    });

    // (a 2026-07-28 client is asked through input_required rounds: pipeline/input-bridge.ts)
    it('relays a 2025-era upstream elicitation request to this client', async () => {
      const result = await client.callTool('everything__trigger-elicitation-request', {});
      expect(result.isError).toBeFalsy();
      expect(textOf(result)).toContain(`user-${kind}`);
      expect(client.elicitations.at(-1)?.message).toBe('Please provide inputs for the following fields:');
    });
  });

  it('speaks to each upstream in its own era (the gateway bridges between them)', async () => {
    const { body } = await gw.api('GET', '/api/v1/upstreams?limit=100');
    const versions = Object.fromEntries(
      (body.items as Array<{ name: string; status: { protocolVersion: string | null } | null }>).map((u) => [u.name, u.status?.protocolVersion]),
    );
    expect(versions.fx).toBe('2026-07-28');
    for (const name of ['everything', 'memory', 'sse']) expect(versions[name]).toMatch(/^2025-\d\d-\d\d$/);
  });
});
