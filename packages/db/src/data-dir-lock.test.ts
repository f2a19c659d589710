import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from './client.ts';
import { acquireDataDirLock, DataDirLockedError, lockPathOf } from './data-dir-lock.ts';

let dir: string;
afterEach(() => rm(dir, { recursive: true, force: true }));
const fresh = async () => {
  dir = await mkdtemp(join(tmpdir(), 'sb-lock-'));
  return join(dir, 'pglite');
};

/** A pid that certainly belonged to a process that has exited. */
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;

describe('the embedded data directory lock', () => {
  it('lets one handle open a directory at a time, and the next once it closed', async () => {
    const dataDir = await fresh();
    const first = await openDatabase({ kind: 'pglite', dataDir });
    const second = openDatabase({ kind: 'pglite', dataDir });
    await expect(second).rejects.toThrow(`another Switchboard (pid ${process.pid}) is using ${dataDir}`);
    await first.close();
    const third = await openDatabase({ kind: 'pglite', dataDir });
    await third.close();
    await expect(readFile(lockPathOf(dataDir))).rejects.toThrow(/ENOENT/);
  });

  it('takes over the lock of a process that died without releasing it', async () => {
    const dataDir = await fresh();
    const { hostname } = await import('node:os');
    await writeFile(lockPathOf(dataDir), JSON.stringify({ pid: deadPid(), host: hostname(), start: '1' }));
    const lock = await acquireDataDirLock(dataDir);
    expect(JSON.parse(await readFile(lock.path, 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('takes over a lock whose pid was reused by a newer process (a container gateway is pid 1 every time)', async () => {
    const dataDir = await fresh();
    const { hostname } = await import('node:os');
    // our own live pid, but a different start time: the holder was an earlier process
    await writeFile(lockPathOf(dataDir), JSON.stringify({ pid: process.pid, host: hostname(), start: '0' }));
    const lock = await acquireDataDirLock(dataDir);
    lock.release();
  });

  it("respects another host's lock while it is refreshed, and takes it over once it is not", async () => {
    const dataDir = await fresh();
    const path = lockPathOf(dataDir);
    await writeFile(path, JSON.stringify({ pid: 4242, host: 'elsewhere', start: '7' }));
    await expect(acquireDataDirLock(dataDir)).rejects.toBeInstanceOf(DataDirLockedError);
    const old = new Date(Date.now() - 60_000);
    await utimes(path, old, old);
    const lock = await acquireDataDirLock(dataDir);
    lock.release();
  });
});
