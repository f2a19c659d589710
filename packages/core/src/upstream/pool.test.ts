import { afterAll, describe, expect, it } from 'vitest';
import { UpstreamPool, type UpstreamPoolOptions } from './pool.ts';
import { specHash } from './spec-hash.ts';
import { callTool, everything, misbehaving, textOf, waitFor } from './test-upstreams.ts';
import { type Catalog, UpstreamError, type UpstreamStatus } from './types.ts';

const pools: UpstreamPool[] = [];
const newPool = (options: UpstreamPoolOptions = {}) => {
  const pool = new UpstreamPool({ backoff: { baseMs: 100, maxMs: 500 }, ...options });
  pools.push(pool);
  return pool;
};
afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.stopAll()));
});

describe('specHash', () => {
  it('ignores key order and undefined members, and sees every real change', () => {
    const spec = misbehaving('a', { env: { B: '2', A: '1' } });
    const reordered = { ...Object.fromEntries(Object.entries(spec).reverse()), env: { A: '1', B: '2' }, extra: undefined };
    expect(specHash(reordered as unknown as typeof spec)).toBe(specHash(spec));
    expect(specHash({ ...spec, env: { A: '1', B: '3' } })).not.toBe(specHash(spec));
    expect(specHash({ ...spec, args: [...spec.args, '--x'] })).not.toBe(specHash(spec));
    expect(specHash({ ...spec, protocol: 'legacy' })).not.toBe(specHash(spec));
  });
});

describe('UpstreamPool', () => {
  it('upsert: an unchanged spec keeps the connection, a changed one replaces it after draining', async () => {
    const pool = newPool({ drainGraceMs: 10_000 });
    const first = pool.upsert(misbehaving('echo'));
    await first.ensureConnected();
    expect(pool.upsert(misbehaving('echo'))).toBe(first);
    expect(first.status().state).toBe('connected');

    // a call in flight on the old connection finishes there, after the replacement
    const inFlight = first.request('tools/call', callTool('slow_echo', { text: 'old one', ms: 700 }));
    await waitFor(() => first.status().inFlight === 1, 'the call to be in flight');
    const second = pool.upsert(misbehaving('echo', { timeoutMs: 20_000 }));
    expect(second).not.toBe(first);
    expect(pool.get('echo')).toBe(second);
    expect(textOf(await inFlight)).toBe('old one');
    await waitFor(() => first.status().state === 'stopped', 'the old connection to stop');
    // the replaced connection was in use, so its successor connects right away
    await waitFor(() => second.status().state === 'connected', 'the new connection');
    expect(textOf(await second.request('tools/call', callTool('slow_echo', { text: 'new one' })))).toBe('new one');
    // the old one refuses new work
    await expect(first.request('tools/call', callTool('slow_echo', { text: 'x' }))).rejects.toMatchObject({
      code: 'upstream_unavailable',
    });
  });

  it('startAll connects the connectAtBoot upstreams only; events carry the upstream id', async () => {
    const statuses: Array<[string, UpstreamStatus['state']]> = [];
    const catalogs = new Map<string, Catalog>();
    const pool = newPool({
      onStatus: (id, status) => statuses.push([id, status.state]),
      onCatalogChanged: (id, catalog) => catalogs.set(id, catalog),
    });
    pool.upsert(everything('boot', { connectAtBoot: true }));
    pool.upsert(misbehaving('lazy'));
    await pool.startAll();
    const states = pool.statuses();
    expect(states.get('boot')?.state).toBe('connected');
    expect(states.get('lazy')?.state).toBe('idle');
    expect(statuses).toContainEqual(['boot', 'connected']);
    expect(catalogs.get('boot')?.tools.map((t) => t.name)).toContain('echo');
    expect(catalogs.has('lazy')).toBe(false);

    // an upsert after startAll connects a connectAtBoot upstream at once
    pool.upsert(misbehaving('late', { connectAtBoot: true }));
    await waitFor(() => pool.statuses().get('late')?.state === 'connected', 'the late boot upstream');

    await pool.remove('lazy');
    expect(pool.get('lazy')).toBeUndefined();
    expect([...pool.statuses().keys()].sort()).toEqual(['boot', 'late']);
  });

  it('relays notifications (log messages, resource updates) with the upstream id', async () => {
    const notes: Array<{ id: string; method: string; params: Record<string, unknown> | undefined }> = [];
    const pool = newPool({ onNotification: (id, method, params) => notes.push({ id, method, params }) });
    const upstream = pool.upsert(everything('notifier'));
    // requests that only make sense on the shared client pass straight through
    await upstream.request('logging/setLevel', { level: 'debug' });
    await upstream.request('resources/subscribe', { uri: 'demo://resource/dynamic/text/1' });
    await upstream.request('tools/call', callTool('toggle-subscriber-updates'));
    await upstream.request('tools/call', callTool('toggle-simulated-logging'));
    const has = (method: string) => notes.some((note) => note.method === method);
    await waitFor(() => has('notifications/message') && has('notifications/resources/updated'), 'notifications', 10_000);
    expect(notes.find((n) => n.method === 'notifications/resources/updated')?.params).toMatchObject({
      uri: 'demo://resource/dynamic/text/1',
    });
    expect(notes.every((note) => note.id === 'notifier')).toBe(true);
    // list_changed is the pool's business (catalog refresh), not relayed as a notification
    expect(has('notifications/tools/list_changed')).toBe(false);
  });

  it('a changed protocol pin replaces the connection, which then speaks the pinned era', async () => {
    const pool = newPool({ drainGraceMs: 0 });
    const auto = pool.upsert(misbehaving('pin'));
    await auto.request('tools/call', callTool('slow_echo', { text: 'x' }));
    expect(auto.status().protocolVersion).toBe('2026-07-28');
    const pinned = pool.upsert(misbehaving('pin', { protocol: 'legacy' }));
    expect(pinned).not.toBe(auto);
    // the replaced connection was in use, so its successor connects by itself
    await waitFor(() => pinned.status().state === 'connected', 'the pinned connection');
    expect(pinned.status().protocolVersion).toMatch(/^2025-/);
    expect(textOf(await pinned.request('tools/call', callTool('slow_echo', { text: 'pinned' })))).toBe('pinned');
    expect(pool.upsert(misbehaving('pin', { protocol: 'legacy' }))).toBe(pinned);
  });

  it('stops dedicated session connections on releaseSession, restart and remove', async () => {
    const pool = newPool({ drainGraceMs: 0 });
    const session = (key: string) => ({ isolationKey: key, onServerRequest: async () => ({ action: 'decline' }) });
    const one = pool.upsert(misbehaving('one', { protocol: 'legacy' }));
    const two = pool.upsert(misbehaving('two', { protocol: 'legacy' }));
    const echo = (connection: typeof one, key: string) =>
      connection.request('tools/call', callTool('slow_echo', { text: key }), session(key));
    await Promise.all([echo(one, 'a'), echo(two, 'a'), echo(one, 'b')]);
    expect([one.status().isolatedSessions, two.status().isolatedSessions]).toEqual([2, 1]);
    // a session's connections to every upstream go with it
    pool.releaseSession('a');
    await waitFor(() => one.status().isolatedSessions === 1 && two.status().isolatedSessions === 0, 'session a released');
    // a restart replaces the shared connection: the dedicated ones go with the old one
    const restarted = await pool.restart('one');
    await waitFor(() => one.status().state === 'stopped', 'the old connection to stop');
    expect(one.status().isolatedSessions).toBe(0);
    await echo(restarted!, 'b');
    expect(restarted!.status().isolatedSessions).toBe(1);
    await pool.remove('one');
    expect(restarted!.status()).toMatchObject({ state: 'stopped', isolatedSessions: 0 });
  });

  it('a hung upstream does not slow down another upstream in the same pool', async () => {
    const pool = newPool();
    const stuck = pool.upsert(misbehaving('stuck', { timeoutMs: 8000 }));
    const healthy = pool.upsert(everything('healthy'));
    await Promise.all([stuck.ensureConnected(), healthy.ensureConnected()]);
    const hung = Array.from({ length: 5 }, () => stuck.request('tools/call', callTool('hang')).catch((e: unknown) => e));
    await waitFor(() => stuck.status().inFlight === 5, 'the hung calls');
    const started = Date.now();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => healthy.request('tools/call', callTool('echo', { message: `ok-${i}` }))),
    );
    // well under the stuck upstream's 8 s timeout
    expect(Date.now() - started).toBeLessThan(5000);
    expect(results.map(textOf)).toEqual(Array.from({ length: 20 }, (_, i) => `Echo: ok-${i}`));
    expect(stuck.status().inFlight).toBe(5);
    await pool.stopAll();
    for (const outcome of await Promise.all(hung)) {
      expect(outcome).toBeInstanceOf(UpstreamError);
      expect((outcome as UpstreamError).code).toBe('upstream_unavailable');
    }
  });
});
