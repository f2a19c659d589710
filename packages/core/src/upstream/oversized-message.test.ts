/**
 * One stdio answer over the upstream's message limit fails only its own call (issue 20,
 * #5): the shared connection and the other calls in flight on it carry on.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { UpstreamConnection } from './connection.ts';
import { callTool, misbehaving, textOf } from './test-upstreams.ts';
import { UpstreamError } from './types.ts';

const MiB = 1024 * 1024;
const connections: UpstreamConnection[] = [];
afterAll(() => Promise.all(connections.map((connection) => connection.stop())));

describe('an oversized stdio message', () => {
  it.each([
    // the SDK's own cap (10 MiB), which used to close the connection
    ['the default limit', undefined, 11 * MiB],
    ['a configured limit (maxMessageBytes)', 256 * 1024, 300 * 1024],
  ])('over %s fails only its call, with a clear error; the others and the connection live on', async (_label, limit, size) => {
    const connection = new UpstreamConnection(misbehaving(`big-${limit ?? 'default'}`, { maxMessageBytes: limit }), { healthIntervalMs: 0 });
    connections.push(connection);
    await connection.ensureConnected();
    // five other people's calls in flight while the big answer streams in
    const others = Array.from({ length: 5 }, (_, i) => connection.request('tools/call', callTool('slow_echo', { text: `other-${i}`, ms: 1500 })));
    const big = await connection.request('tools/call', callTool('big', { bytes: size })).catch((error: unknown) => error);
    expect(big).toBeInstanceOf(UpstreamError);
    expect((big as UpstreamError).code).toBe('upstream_error');
    expect((big as UpstreamError).message).toMatch(
      new RegExp(`^upstream big-\\S+ sent a message of \\d+ bytes, over its limit of ${limit ?? 10 * MiB} bytes \\(maxMessageBytes\\)$`),
    );
    expect((await Promise.all(others)).map(textOf)).toEqual(['other-0', 'other-1', 'other-2', 'other-3', 'other-4']);
    // the same connection serves on, and a just-under-the-limit answer still passes
    expect(connection.status()).toMatchObject({ state: 'connected', restarts: 0 });
    const under = await connection.request('tools/call', callTool('big', { bytes: (limit ?? 10 * MiB) - 1024 }));
    expect(textOf(under).length).toBe((limit ?? 10 * MiB) - 1024);
  });
});
