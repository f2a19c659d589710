/**
 * Faults on the upstream side that must stay local (issue 20): a process of the gateway's
 * that outlives it, an oversized stdio message, an HTTP upstream that forgot its session,
 * an upstream that hangs in its handshake. Each scenario runs real processes.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT, sleep } from '@switchboard/core/upstream/test-upstreams';
import { afterEach, describe, expect, it } from 'vitest';
import { type GatewayProcess, isRunning, startGatewayProcess } from './support/gateway-process.ts';

const MUTE = `${ROOT}e2e/fixtures/mute-server.ts`;

async function pidsIn(file: string): Promise<number[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).map(Number);
}

/** Polls `check` every 50 ms until it holds or `ms` ran out; returns its last verdict. */
async function eventually(check: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

describe('a gateway process ending on SIGTERM ends every upstream process it started (#13)', () => {
  let gw: GatewayProcess | undefined;
  let pidFile = '';
  afterEach(async () => {
    // whatever the verdict, nothing of this test stays behind
    for (const pid of await pidsIn(pidFile)) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
    await gw?.kill();
    gw = undefined;
  });

  it.each([
    // `auto`: the SDK probes server/discover on a sibling process first, which never answers either
    ['still in its era probe', 'auto', '0'],
    // `legacy`: the session's own process, stuck in initialize, deaf to end of input and to SIGTERM
    ['stuck in initialize and ignoring SIGTERM', 'legacy', '1'],
  ])('an upstream %s is gone once the gateway exited', async (_label, protocol, ignoreSigterm) => {
    gw = await startGatewayProcess();
    pidFile = join(gw.tmp, 'mute.pids');
    await gw.importConfig({
      mcpServers: {
        mute: {
          command: process.execPath,
          args: ['--import', 'tsx', MUTE],
          cwd: ROOT,
          env: { MUTE_PID_FILE: pidFile, MUTE_IGNORE_SIGTERM: ignoreSigterm },
          protocol,
          connectAtBoot: true,
        },
      },
    });
    expect(await eventually(async () => (await pidsIn(pidFile)).length > 0, 30_000)).toBe(true);
    // let the fixture settle into its silence (its SIGTERM handler installed)
    await sleep(500);
    const pids = await pidsIn(pidFile);
    expect(pids.every(isRunning)).toBe(true);

    expect(await gw.signal('SIGTERM')).toBe(0);
    // an exited gateway's children are re-parented to init, which reaps the dead at once
    await eventually(() => !pids.some(isRunning), 2000);
    expect(pids.filter(isRunning)).toEqual([]);
  });
});
