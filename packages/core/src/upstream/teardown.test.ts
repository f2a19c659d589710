/**
 * Every connection teardown ends the upstream's processes (issue 20, #13): also while the
 * SDK still probes the era on its disposable sibling process, and for a child that ignores
 * both end of input and SIGTERM.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UpstreamConnection } from './connection.ts';
import { misbehaving, ROOT, sleep, stdioSpec, waitFor } from './test-upstreams.ts';

const scratch = mkdtempSync(join(tmpdir(), 'switchboard-teardown-'));
const everyPid: number[] = [];
afterAll(() => {
  for (const pid of everyPid) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
  rmSync(scratch, { recursive: true, force: true });
});

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const pidsIn = (file: string) => {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
};

describe('stopping a connection stuck in its handshake', () => {
  it.each([
    ['auto', '0'],
    ['legacy', '1'],
  ] as const)('protocol %s (ignores SIGTERM: %s): no process of it survives stop()', async (protocol, ignoreSigterm) => {
    const pidFile = join(scratch, `${protocol}.pids`);
    const spec = stdioSpec(`mute-${protocol}`, ['--import', 'tsx', `${ROOT}e2e/fixtures/mute-server.ts`], {
      protocol,
      env: { MUTE_PID_FILE: pidFile, MUTE_IGNORE_SIGTERM: ignoreSigterm },
    });
    const connection = new UpstreamConnection(spec, { connectTimeoutMs: 60_000 });
    void connection.ensureConnected().catch(() => {});
    await waitFor(() => pidsIn(pidFile).length > 0, 'the upstream process started', 20_000);
    await sleep(300);
    const pids = pidsIn(pidFile);
    everyPid.push(...pids);
    expect(pids.every(isRunning)).toBe(true);

    await connection.stop();
    // the processes are our children: once dead, Node reaps them
    await waitFor(() => !pids.some(isRunning), 'every process ended', 2_000).catch(() => {});
    expect(pids.filter(isRunning)).toEqual([]);
  });
});

describe('stopping a connection just after it lost its upstream', () => {
  it('waits for the lost one to end too (its teardown takes seconds: end of input is ignored)', async () => {
    const pidFile = join(scratch, 'lost.pids');
    const muteFile = join(scratch, 'lost.mute');
    writeFileSync(muteFile, '');
    const spec = misbehaving('lost', { protocol: 'legacy', env: { MISBEHAVING_START_LOG: pidFile, MISBEHAVING_MUTE_FILE: muteFile } });
    const connection = new UpstreamConnection(spec, { connectTimeoutMs: 3_000, backoff: { baseMs: 60_000, maxMs: 60_000 } });
    void connection.ensureConnected().catch(() => {});
    await waitFor(() => pidsIn(pidFile).length > 0, 'the upstream process started', 20_000);
    // the handshake times out: the connection is lost, and its child is being torn down
    await waitFor(() => connection.status().state === 'failing', 'the failed handshake', 20_000);
    const pids = pidsIn(pidFile);
    everyPid.push(...pids);
    expect(pids.length).toBe(1);
    await connection.stop();
    await waitFor(() => !pids.some(isRunning), 'every process ended', 500).catch(() => {});
    expect(pids.filter(isRunning)).toEqual([]);
  });
});
