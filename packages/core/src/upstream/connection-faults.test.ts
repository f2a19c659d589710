import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { UpstreamConnection, type UpstreamConnectionOptions } from './connection.ts';
import { callTool, everything, misbehaving, textOf, waitFor } from './test-upstreams.ts';
import { type Catalog, UpstreamError, type UpstreamSpec, type UpstreamStatus } from './types.ts';

const connections: UpstreamConnection[] = [];
const open = (spec: UpstreamSpec, options: UpstreamConnectionOptions = {}) => {
  // fast retries so a restart happens within the test
  const connection = new UpstreamConnection(spec, { backoff: { baseMs: 100, maxMs: 500 }, ...options });
  connections.push(connection);
  return connection;
};
afterAll(async () => {
  await Promise.all(connections.map((connection) => connection.stop()));
});

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => {
      expect(error).toBeInstanceOf(UpstreamError);
      return error as UpstreamError;
    },
  );

describe('crash mid-call', () => {
  it('rejects the callers promptly, goes failing, restarts by itself, and serves again', async () => {
    const states: UpstreamStatus['state'][] = [];
    // (status events also fire on catalog changes; keep the transitions)
    const onStatus = (status: UpstreamStatus) => states.at(-1) !== status.state && states.push(status.state);
    const connection = open(misbehaving('crashy'), { onStatus });
    await connection.ensureConnected();
    const bystander = rejection(connection.request('tools/call', callTool('hang')));
    const started = Date.now();
    const error = await rejection(connection.request('tools/call', callTool('crash')));
    expect(error.code).toBe('upstream_unavailable');
    expect(Date.now() - started).toBeLessThan(5000);
    // every request in flight on the dead process fails, not just the one that killed it
    expect((await bystander).code).toBe('upstream_unavailable');
    expect(error.message).toMatch(/about to crash on purpose/);
    expect(states).toContain('failing');
    await waitFor(() => connection.status().state === 'connected', 'the restart');
    const status = connection.status();
    expect(status.restarts).toBeGreaterThanOrEqual(1);
    expect(status.lastError).toMatch(/connection closed; stderr: .*about to crash on purpose/);
    expect(status.protocolVersion).toBe('2026-07-28');
    expect(textOf(await connection.request('tools/call', callTool('slow_echo', { text: 'back' })))).toBe('back');
    expect(states).toEqual(['starting', 'connected', 'failing', 'starting', 'connected']);
  });
});

describe('era verdict', () => {
  it('the first connect probes (one extra spawn on stdio); reconnects reuse the verdict', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-starts-'));
    const log = join(dir, 'starts.log');
    const starts = () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').length : 0);
    try {
      const connection = open(misbehaving('verdict', { env: { MISBEHAVING_START_LOG: log } }));
      // concurrent first callers share one connect attempt
      await Promise.all([
        connection.ensureConnected(),
        connection.ensureConnected(),
        connection.request('tools/call', callTool('slow_echo', { text: 'x' })),
      ]);
      // the SDK probes `server/discover` on a disposable sibling process, then spawns the real one
      expect(starts()).toBe(2);
      await rejection(connection.request('tools/call', callTool('crash')));
      await waitFor(() => connection.status().state === 'connected', 'the restart');
      expect(starts()).toBe(3);
      expect(connection.status().protocolVersion).toBe('2026-07-28');
      const legacy = open(misbehaving('verdict-legacy', { env: { MISBEHAVING_START_LOG: log }, protocol: 'legacy' }));
      await legacy.ensureConnected();
      expect(starts()).toBe(4);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('health check', () => {
  it('a frozen 2025-era upstream fails its pings, is restarted, and serves again', async () => {
    const connection = open(misbehaving('frozen', { protocol: 'legacy' }), { healthIntervalMs: 200 });
    await connection.ensureConnected();
    expect(connection.status().protocolVersion).toMatch(/^2025-/);
    const frozen = rejection(connection.request('tools/call', callTool('freeze', { ms: 4000 }), { timeoutMs: 30_000 }));
    const error = await frozen;
    expect(error.code).toBe('upstream_unavailable');
    expect(connection.status().lastError).toMatch(/health check failed/);
    await waitFor(() => connection.status().state === 'connected', 'the restart after failed pings');
    expect(textOf(await connection.request('tools/call', callTool('slow_echo', { text: 'thawed' })))).toBe('thawed');
  });
});

describe('list_changed', () => {
  const waitForTool = (catalogs: Catalog[], name: string) =>
    waitFor(() => catalogs.some((catalog) => catalog.tools.some((tool) => tool.name === name)), `tool ${name}`, 10_000);

  it('refreshes the catalog on a 2026-07-28 upstream (subscriptions/listen)', async () => {
    const catalogs: Catalog[] = [];
    const connection = open(misbehaving('changes-modern'), { onCatalogChanged: (catalog) => catalogs.push(catalog) });
    await connection.ensureConnected();
    expect(catalogs).toHaveLength(1);
    await connection.request('tools/call', callTool('add_tool', { name: 'fresh_tool' }));
    await waitForTool(catalogs, 'fresh_tool');
    expect(connection.catalog().tools.map((t) => t.name)).toContain('fresh_tool');
    expect(connection.status().tools).toBe(connection.catalog().tools.length);
    expect(textOf(await connection.request('tools/call', callTool('fresh_tool')))).toBe('fresh_tool');
  });

  it('refreshes the catalog on a 2025-era upstream (unsolicited notification)', async () => {
    const catalogs: Catalog[] = [];
    const connection = open(misbehaving('changes-legacy', { protocol: 'legacy' }), {
      onCatalogChanged: (catalog) => catalogs.push(catalog),
    });
    await connection.request('tools/call', callTool('add_tool', { name: 'legacy_tool' }));
    await waitForTool(catalogs, 'legacy_tool');
  });

  it('picks up resources registered at runtime by server-everything', async () => {
    const connection = open(everything('everything-changes'));
    await connection.ensureConnected();
    const before = connection.catalog().resources.length;
    await connection.request(
      'tools/call',
      callTool('gzip-file-as-resource', { name: 'hello.txt.gz', data: 'data:text/plain;base64,aGVsbG8=' }),
    );
    await waitFor(() => connection.catalog().resources.length > before, 'the session resource', 10_000);
    expect(connection.catalog().resources.map((r) => r.uri)).toContain('demo://resource/session/hello.txt.gz');
  });
});

describe('stdio environment', () => {
  const SECRET = 'SWITCHBOARD_TEST_DATABASE_PASSWORD';
  afterEach(() => {
    delete process.env[SECRET];
  });

  it("an upstream sees its own env and a safe base, never the gateway's secrets", async () => {
    process.env[SECRET] = 'hunter2';
    const connection = open(misbehaving('env', { env: { UPSTREAM_API_KEY: 'for-this-upstream' } }));
    const env = JSON.parse(textOf(await connection.request('tools/call', callTool('print_env')))) as Record<string, string>;
    expect(env.UPSTREAM_API_KEY).toBe('for-this-upstream');
    expect(env.PATH).toBe(process.env.PATH);
    expect(env[SECRET]).toBeUndefined();
    expect(JSON.stringify(env)).not.toContain('hunter2');
  });

  it('the same holds for a third-party server (server-everything get-env)', async () => {
    process.env[SECRET] = 'hunter2';
    const connection = open(everything('everything-env', { env: { ONLY_THIS: '1' } }));
    const text = textOf(await connection.request('tools/call', callTool('get-env')));
    expect(text).toContain('ONLY_THIS');
    expect(text).not.toContain('hunter2');
  });
});
