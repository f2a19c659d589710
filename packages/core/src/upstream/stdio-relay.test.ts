import { afterAll, describe, expect, it } from 'vitest';
import { UpstreamConnection } from './connection.ts';
import { StdioRelay } from './stdio-relay.ts';
import { callTool, everything, fixtureStdio, textOf, waitFor } from './test-upstreams.ts';
import { UpstreamError } from './types.ts';

const connections: UpstreamConnection[] = [];
afterAll(async () => {
  await Promise.all(connections.map((connection) => connection.stop()));
});

/** The relay of the connection's live client (private: the relay is an internal fast path). */
const relayOf = (connection: UpstreamConnection) => (connection as unknown as { current?: { relay?: unknown } }).current?.relay;

describe('stdio relay', () => {
  // both eras: the fixture negotiates 2026-07-28 (envelope in _meta), the npm server 2025-era
  for (const [era, spec] of [
    ['2026-07-28', fixtureStdio('relay-modern')],
    ['2025-era', everything('relay-legacy')],
  ] as const) {
    it(`${era}: hot requests take the relay and keep the SDK's results and errors`, async () => {
      const connection = new UpstreamConnection(spec);
      connections.push(connection);
      await connection.ensureConnected();
      expect(relayOf(connection)).toBeInstanceOf(StdioRelay);
      const tool = era === '2025-era' ? callTool('echo', { message: 'hi' }) : callTool('test_simple_text');
      const result = await connection.request('tools/call', tool);
      expect(textOf(result).length).toBeGreaterThan(0);
      expect(result).not.toHaveProperty('resultType');
      // a JSON-RPC error answer keeps its code, as with the SDK's ProtocolError
      const error = await connection.request('prompts/get', { name: 'no-such-prompt' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UpstreamError);
      expect((error as UpstreamError).code).toBe('upstream_error');
      expect(typeof (error as UpstreamError).rpcCode).toBe('number');
      // many concurrent calls, each answered with its own result
      const many = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          era === '2025-era' ? connection.request('tools/call', callTool('echo', { message: `m-${i}` })) : connection.request('tools/list', {}),
        ),
      );
      if (era === '2025-era') expect(many.map(textOf)).toEqual(Array.from({ length: 50 }, (_, i) => `Echo: m-${i}`));
      else for (const listed of many) expect(Array.isArray(listed.tools)).toBe(true);
      // nothing left behind (the npm server may still be answering a catalog refresh of its own)
      await waitFor(() => connection.status().inFlight === 0, 'no requests in flight', 5_000);
    });
  }
});
