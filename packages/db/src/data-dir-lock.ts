import { mkdirSync, readFileSync, renameSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';

/**
 * An exclusive lock on an embedded (PGlite) data directory. PGlite has no postmaster.pid:
 * two processes on one directory both accepted writes and corrupted it (404 of 558
 * acknowledged writes gone, 7 indexes corrupt). The lock is a file beside the directory,
 * created exclusively, naming its holder; a holder that died without removing it (kill -9,
 * power loss) is recognised and its lock taken over:
 * - same host: its pid is gone, or now belongs to a newer process (pids are reused, and a
 *   container's gateway is pid 1 on every start), told apart by the process start time;
 * - another host (a shared volume): it stopped refreshing the file's mtime.
 */
export class DataDirLockedError extends Error {
  override readonly name = 'DataDirLockedError';
  constructor(
    readonly holderPid: number,
    readonly dir: string,
  ) {
    super(`another Switchboard (pid ${holderPid}) is using ${dir}`);
  }
}

interface Holder {
  pid: number;
  host: string;
  /** The process' start time (clock ticks since boot, /proc/<pid>/stat); null off Linux. */
  start: string | null;
}

export interface DataDirLock {
  readonly path: string;
  release(): void;
}

/** The holder refreshes the lock's mtime this often; a foreign host's lock is stale after 3 missed refreshes. */
const REFRESH_MS = 10_000;
const FOREIGN_STALE_MS = 3 * REFRESH_MS;
/** After taking over a stale lock, how long a racer that decided the same gets to overwrite it. */
const TAKEOVER_SETTLE_MS = 100;

export const lockPathOf = (dir: string) => `${dir.replace(/\/+$/, '')}.lock`;

export async function acquireDataDirLock(dir: string): Promise<DataDirLock> {
  const path = lockPathOf(dir);
  const me: Holder = { pid: process.pid, host: hostname(), start: processStart(process.pid) };
  const text = JSON.stringify(me);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  try {
    writeFileSync(path, text, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const holder = readHolder(path);
    if (holder && isAlive(holder, path)) throw new DataDirLockedError(holder.pid, dir);
    // Stale: replace it in one atomic step, then make sure no other starter replaced it after us.
    const temp = `${path}.${process.pid}`;
    writeFileSync(temp, text, { mode: 0o600 });
    renameSync(temp, path);
    await new Promise((resolve) => setTimeout(resolve, TAKEOVER_SETTLE_MS));
    const now = readHolder(path);
    if (!now || now.pid !== me.pid || now.host !== me.host) throw new DataDirLockedError(now?.pid ?? 0, dir);
  }
  const refresh = setInterval(() => {
    try {
      const t = new Date();
      utimesSync(path, t, t);
    } catch {
      // removed from under us: nothing to refresh; release() copes too
    }
  }, REFRESH_MS);
  refresh.unref();
  let released = false;
  return {
    path,
    release() {
      if (released) return;
      released = true;
      clearInterval(refresh);
      const holder = readHolder(path);
      if (holder?.pid === me.pid && holder.host === me.host) unlinkSync(path);
    },
  };
}

function readHolder(path: string): Holder | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<Holder>;
    if (typeof parsed.pid !== 'number' || typeof parsed.host !== 'string') return undefined;
    return { pid: parsed.pid, host: parsed.host, start: typeof parsed.start === 'string' ? parsed.start : null };
  } catch {
    // unreadable or half-written (a crash between create and write): not a live holder's
    return undefined;
  }
}

function isAlive(holder: Holder, path: string): boolean {
  if (holder.host !== hostname()) {
    try {
      return Date.now() - statSync(path).mtimeMs < FOREIGN_STALE_MS;
    } catch {
      return false;
    }
  }
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    // EPERM: alive, but another user's process
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const start = processStart(holder.pid);
  return holder.start === null || start === null || start === holder.start;
}

/** Field 22 of /proc/<pid>/stat (after the parenthesised command, which may hold spaces). */
function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}
