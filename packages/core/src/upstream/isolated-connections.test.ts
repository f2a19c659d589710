import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UpstreamConnection, type UpstreamConnectionOptions } from './connection.ts';
import type { Logger } from './logger.ts';
import { callTool, everything, misbehaving, sleep, textOf, waitFor } from './test-upstreams.ts';
import { type ForwardOptions, UpstreamError, type UpstreamSpec } from './types.ts';

const connections: UpstreamConnection[] = [];
const open = (spec: UpstreamSpec, options: UpstreamConnectionOptions = {}) => {
  const connection = new UpstreamConnection(spec, options);
  connections.push(connection);
  return connection;
};
const dir = mkdtempSync(join(tmpdir(), 'switchboard-isolated-'));
afterAll(async () => {
  await Promise.all(connections.map((connection) => connection.stop()));
  rmSync(dir, { recursive: true, force: true });
});

/** The misbehaving fixture spoken to as a 2025-era server; each process start is logged to a file. */
function legacyMisbehaving(id: string) {
  const log = join(dir, `${id}.log`);
  const spec = misbehaving(id, { env: { MISBEHAVING_START_LOG: log }, protocol: 'legacy' });
  const pids = () => {
    try {
      return readFileSync(log, 'utf8').split('\n').filter(Boolean).map(Number);
    } catch {
      return [];
    }
  };
  return { spec, pids };
}

const running = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Forward options of a downstream session that can answer elicitation, as `user`. */
const sessionOf = (key: string, user: string, asked: string[] = []): ForwardOptions => ({
  isolationKey: key,
  onServerRequest: async (method) => {
    asked.push(`${method} for ${user}`);
    return { action: 'accept', content: { name: user } };
  },
});

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.unreachable('expected a rejection'),
    (error: unknown) => {
      expect(error).toBeInstanceOf(UpstreamError);
      return error as UpstreamError;
    },
  );

describe('dedicated connections per downstream session', () => {
  it('route each elicitation of a 2025-era stdio upstream to its own session, all in flight at once', async () => {
    const shared = open(everything('iso-everything'));
    await shared.ensureConnected();
    expect(shared.status().protocolVersion).not.toBe('2026-07-28');
    const users = ['ada', 'bob', 'cy'];
    const asked: string[] = [];
    // nobody answers before everyone was asked: the calls overlap for sure
    let release!: () => void;
    const everyoneAsked = new Promise<void>((resolve) => (release = resolve));
    const calls = users.map((user) => {
      const options = sessionOf(`session-${user}`, user, asked);
      const answer = options.onServerRequest!;
      options.onServerRequest = async (method, params) => {
        const result = answer(method, params);
        if (asked.length === users.length) release();
        await everyoneAsked;
        return result;
      };
      return shared.request('tools/call', callTool('trigger-elicitation-request'), options);
    });
    expect(shared.status().isolatedSessions).toBe(3);
    const results = await Promise.all(calls);
    expect(results.map(textOf)).toEqual(users.map((user) => expect.stringContaining(`- Name: ${user}`)));
    expect(asked.sort()).toEqual(users.map((user) => `elicitation/create for ${user}`));
    // the shared connection carried none of them
    expect(shared.status()).toMatchObject({ inFlight: 0, isolatedSessions: 3 });
    await shared.stop();
    expect(shared.status().isolatedSessions).toBe(0);
  });

  it('are made on first use, reused, and stopped when idle (its process exits)', async () => {
    const { spec, pids } = legacyMisbehaving('iso-idle');
    const shared = open(spec, { isolatedIdleMs: 300 });
    await shared.ensureConnected();
    expect(pids()).toHaveLength(1);
    const session = sessionOf('s1', 'ada');
    expect(textOf(await shared.request('tools/call', callTool('slow_echo', { text: 'one' }), session))).toBe('one');
    expect(shared.status().isolatedSessions).toBe(1);
    expect(pids()).toHaveLength(2);
    expect(textOf(await shared.request('tools/call', callTool('slow_echo', { text: 'two', ms: 400 }), session))).toBe('two');
    // reused (no new process), and a call lasting longer than the idle time did not end it
    expect(pids()).toHaveLength(2);
    expect(shared.status().isolatedSessions).toBe(1);
    // not isolated: no session key, a client that cannot answer, a method that cannot ask
    await shared.request('tools/call', callTool('slow_echo', { text: 'x' }), { onServerRequest: session.onServerRequest });
    await shared.request('tools/call', callTool('slow_echo', { text: 'x' }), { isolationKey: 's2' });
    await shared.request('tools/list', {}, sessionOf('s3', 'cy'));
    expect(pids()).toHaveLength(2);
    const dedicatedPid = pids()[1]!;
    await waitFor(() => shared.status().isolatedSessions === 0, 'the idle connection to stop', 5000);
    await waitFor(() => !running(dedicatedPid), 'the dedicated process to exit', 5000);
    expect(running(pids()[0]!)).toBe(true);
  });

  it('stop when their session is released, failing what still runs there', async () => {
    const { spec, pids } = legacyMisbehaving('iso-release');
    const shared = open(spec);
    const hung = failure(shared.request('tools/call', callTool('hang'), sessionOf('s1', 'ada')));
    await waitFor(() => pids().length === 2, 'the dedicated process');
    await sleep(100);
    await shared.releaseSession('s1');
    expect((await hung).code).toBe('upstream_unavailable');
    expect(shared.status().isolatedSessions).toBe(0);
    await waitFor(() => !running(pids()[1]!), 'the dedicated process to exit', 5000);
    // releasing an unknown session is harmless; the session's next call gets a fresh one
    await shared.releaseSession('nobody');
    await shared.request('tools/call', callTool('slow_echo', { text: 'again' }), sessionOf('s1', 'ada'));
    expect(pids()).toHaveLength(3);
  });

  it('stop with the shared connection, and none is made after it', async () => {
    const { spec, pids } = legacyMisbehaving('iso-stop');
    const shared = open(spec);
    const hung = ['s1', 's2'].map((key) => failure(shared.request('tools/call', callTool('hang'), sessionOf(key, key))));
    await waitFor(() => pids().length === 3, 'two dedicated processes');
    expect(shared.status().isolatedSessions).toBe(2);
    await shared.stop();
    for (const error of await Promise.all(hung)) expect(error.code).toBe('upstream_unavailable');
    expect(shared.status().isolatedSessions).toBe(0);
    await waitFor(() => pids().every((pid) => !running(pid)), 'every process to exit', 5000);
    await failure(shared.request('tools/call', callTool('slow_echo', { text: 'x' }), sessionOf('s3', 's3')));
    expect(pids()).toHaveLength(3);
  });

  it('are dropped when they crash; the next call gets a fresh one', async () => {
    const { spec, pids } = legacyMisbehaving('iso-crash');
    const shared = open(spec);
    const error = await failure(shared.request('tools/call', callTool('crash'), sessionOf('s1', 'ada')));
    expect(error.code).toBe('upstream_unavailable');
    expect(shared.status()).toMatchObject({ state: 'connected', isolatedSessions: 0 });
    expect(textOf(await shared.request('tools/call', callTool('slow_echo', { text: 'fresh' }), sessionOf('s1', 'ada')))).toBe('fresh');
    expect(pids()).toHaveLength(3);
    expect(shared.status().isolatedSessions).toBe(1);
  });

  it('are capped: beyond the cap calls share the connection, with a throttled warning', async () => {
    const warnings: object[] = [];
    const logger: Logger = { debug() {}, info() {}, error() {}, warn: (obj) => void warnings.push(obj) };
    const { spec, pids } = legacyMisbehaving('iso-cap');
    const shared = open(spec, { maxIsolatedSessions: 1, logger });
    const hung = ['s1', 's2', 's3'].map((key) => failure(shared.request('tools/call', callTool('hang'), sessionOf(key, key))));
    await waitFor(() => shared.status().inFlight === 2, 'two calls on the shared connection');
    expect(shared.status().isolatedSessions).toBe(1);
    await waitFor(() => pids().length === 2, 'the dedicated process');
    await sleep(200);
    expect(pids()).toHaveLength(2);
    expect(warnings).toEqual([{ upstream: 'iso-cap', maxIsolatedSessions: 1 }]);
    await shared.stop();
    await Promise.all(hung);
  });

  it('are never made with a cap of 0, nor for a 2026-07-28 upstream', async () => {
    const off = legacyMisbehaving('iso-off');
    const disabled = open(off.spec, { maxIsolatedSessions: 0 });
    await disabled.request('tools/call', callTool('slow_echo', { text: 'x' }), sessionOf('s1', 'ada'));
    expect(disabled.status().isolatedSessions).toBe(0);
    expect(off.pids()).toHaveLength(1);
    // (the fixture serves both eras; auto negotiation picks 2026-07-28, which asks through input_required)
    const modern = open(misbehaving('iso-modern'));
    await modern.request('tools/call', callTool('slow_echo', { text: 'x' }), sessionOf('s1', 'ada'));
    expect(modern.status()).toMatchObject({ protocolVersion: '2026-07-28', isolatedSessions: 0 });
  });
});
