/**
 * The connection's circuit (issue 20, #3): once it failed, calls fail at once instead of
 * each waiting on a reconnect that hangs as the last one did; the reconnects go on in the
 * background and the first one that succeeds closes the circuit again.
 */
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UpstreamConnection } from './connection.ts';
import { callTool, misbehaving, textOf, waitFor } from './test-upstreams.ts';
import { UpstreamError } from './types.ts';

const scratch = mkdtempSync(join(tmpdir(), 'switchboard-circuit-'));
const muteFile = join(scratch, 'mute');
const connections: UpstreamConnection[] = [];
afterAll(async () => {
  await Promise.all(connections.map((connection) => connection.stop()));
  rmSync(scratch, { recursive: true, force: true });
});

describe('circuit of an upstream connection', () => {
  it('open while the upstream hangs in its reconnect handshakes, closed by the first one that succeeds', async () => {
    const spec = misbehaving('circuit', { env: { MISBEHAVING_MUTE_FILE: muteFile }, protocol: 'legacy' });
    // every reconnect handshake may hang for 1.5 s; retries come quickly
    const connection = new UpstreamConnection(spec, { connectTimeoutMs: 1500, backoff: { baseMs: 50, maxMs: 200 }, healthIntervalMs: 0 });
    connections.push(connection);
    expect(textOf(await connection.request('tools/call', callTool('slow_echo', { text: 'up' })))).toBe('up');

    writeFileSync(muteFile, '');
    await connection.request('tools/call', callTool('crash')).catch(() => {});
    await waitFor(() => connection.status().state === 'starting', 'a reconnect attempt under way', 5_000);
    expect(connection.failing).toBe(true);
    for (let i = 0; i < 3; i += 1) {
      const started = Date.now();
      const error = await connection.request('tools/call', callTool('slow_echo', { text: 'x' })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UpstreamError);
      expect((error as UpstreamError).code).toBe('upstream_unavailable');
      // not the 1.5 s a reconnect handshake may take, nor the call's 30 s timeout
      expect(Date.now() - started).toBeLessThan(100);
    }

    unlinkSync(muteFile);
    await waitFor(() => connection.status().state === 'connected', 'a reconnect that succeeds', 15_000);
    expect(connection.failing).toBe(false);
    expect(textOf(await connection.request('tools/call', callTool('slow_echo', { text: 'again' })))).toBe('again');
  });
});
