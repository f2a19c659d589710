import { afterAll, describe, expect, it } from 'vitest';
import { UpstreamConnection, type UpstreamConnectionOptions } from './connection.ts';
import { callTool, envEcho, textOf, waitFor } from './test-upstreams.ts';
import { UpstreamError, type UpstreamCredential, type UpstreamSpec } from './types.ts';

const connections: UpstreamConnection[] = [];
const open = (spec: UpstreamSpec, options: UpstreamConnectionOptions = {}) => {
  const connection = new UpstreamConnection(spec, options);
  connections.push(connection);
  return connection;
};
afterAll(async () => {
  await Promise.all(connections.map((connection) => connection.stop()));
});

const running = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The env-echo fixture's answer to "what is SECRET in your environment?", on `credential`'s connection. */
async function secretSeenBy(connection: UpstreamConnection, credential: UpstreamCredential) {
  const result = await connection.request('tools/call', callTool('env', { name: 'SECRET' }), { credential });
  return JSON.parse(textOf(result)) as { value: string | null; pid: number };
}

const person = (key: string, value: string, version = '1'): UpstreamCredential => ({ key, version, env: { SECRET: value } });

/**
 * Calls that carry a person's credential (per-person upstream credentials) go on that
 * person's own connection — on stdio, a process of their own started with their values —
 * never on the shared one and never on another person's.
 */
describe('personal connections (a stdio upstream that needs each person’s env)', () => {
  it('give each person a process of their own, with only their own value, reused for their next calls', async () => {
    const shared = open(envEcho('per-person', { env: { SECRET: 'the shared one' } }));
    const alice = await secretSeenBy(shared, person('alice', 'alice-value'));
    const bob = await secretSeenBy(shared, person('bob', 'bob-value'));
    expect(alice.value).toBe('alice-value');
    expect(bob.value).toBe('bob-value');
    expect(alice.pid).not.toBe(bob.pid);
    expect(await secretSeenBy(shared, person('alice', 'alice-value'))).toEqual(alice);
    expect(shared.status().personalConnections).toBe(2);
    // the shared connection itself was never needed, and never started
    expect(shared.status().state).toBe('idle');
  });

  it('replace a person’s process when their credential changes (a new version), and stop it when released', async () => {
    const shared = open(envEcho('per-person-change'));
    const first = await secretSeenBy(shared, person('carol', 'old', '1'));
    const second = await secretSeenBy(shared, person('carol', 'new', '2'));
    expect(second.value).toBe('new');
    expect(second.pid).not.toBe(first.pid);
    await waitFor(() => !running(first.pid), 'the replaced process to exit');
    expect(shared.status().personalConnections).toBe(1);
    await shared.releaseCredential('carol');
    await waitFor(() => !running(second.pid), 'the released process to exit');
    expect(shared.status().personalConnections).toBe(0);
  });

  it('are reaped when idle: the process exits, and the next call starts a fresh one', async () => {
    const shared = open(envEcho('per-person-idle'), { personalIdleMs: 300 });
    const before = await secretSeenBy(shared, person('dave', 'dave-value'));
    await waitFor(() => !running(before.pid) && shared.status().personalConnections === 0, 'the idle process to be reaped');
    const after = await secretSeenBy(shared, person('dave', 'dave-value'));
    expect(after.value).toBe('dave-value');
    expect(after.pid).not.toBe(before.pid);
  });

  it('are capped: beyond the cap a call fails clearly, and never borrows another person’s process', async () => {
    const shared = open(envEcho('per-person-cap'), { maxPersonalConnections: 1 });
    await secretSeenBy(shared, person('erin', 'erin-value'));
    const refused = await shared.request('tools/call', callTool('env', { name: 'SECRET' }), { credential: person('frank', 'frank-value') }).then(
      () => expect.unreachable('the call should have been refused'),
      (error: unknown) => error as UpstreamError,
    );
    expect(refused).toBeInstanceOf(UpstreamError);
    expect(refused.code).toBe('upstream_unavailable');
    expect(refused.message).toMatch(/as many personal connections as it may \(1\)/);
    await shared.releaseCredential('erin');
    expect((await secretSeenBy(shared, person('frank', 'frank-value'))).value).toBe('frank-value');
  });

  it('do not connect the shared connection of an upstream awaiting a credential, and still serve people', async () => {
    const shared = open(envEcho('per-person-awaiting', { awaitingCredential: true }));
    await expect(shared.ensureConnected()).rejects.toThrow(/lists its tools once a service credential is set or a person connects/);
    expect((await secretSeenBy(shared, person('gina', 'gina-value'))).value).toBe('gina-value');
  });

  it('refuse, on an upstream that acts as each person, any request that carries no one’s credential', async () => {
    const shared = open(envEcho('per-person-only', { perPerson: true, env: { SECRET: 'the service account' } }));
    const refused = await shared.request('tools/call', callTool('env', { name: 'SECRET' })).then(
      () => expect.unreachable('the call should have been refused'),
      (error: unknown) => error as UpstreamError,
    );
    expect(refused).toBeInstanceOf(UpstreamError);
    expect(refused.message).toMatch(/acts as each person: tools\/call cannot be sent to it without your credential/);
    expect((await secretSeenBy(shared, person('hal', 'hal-value'))).value).toBe('hal-value');
  });
});
