/**
 * The benchmark's child processes: each runs in its own process group so that stopping it
 * also stops what it spawned, and `killAllChildren()` is the last-resort sweep on exit.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

const children = new Set<ChildProcess>();
let reaper: ChildProcess | undefined;
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Signal handlers cannot cover SIGKILL, an OOM kill or a crash in native code. So a tiny
 * detached watcher learns everything we start over a pipe — process groups (`g+pgid`),
 * single processes (`p+pid`) and temporary directories (`d+path`), each dropped again with
 * `-` once stopped — and when that pipe closes, however the benchmark ended, SIGKILLs the
 * groups and processes still listed and deletes the directories.
 */
const REAPER = `const s={g:new Set(),p:new Set(),d:new Set()};let b='';process.stdin.setEncoding('utf8');
process.stdin.on('data',x=>{b+=x;let i;while((i=b.indexOf('\\n'))>=0){const l=b.slice(0,i),k=s[l[0]],v=l[0]==='d'?l.slice(2):Number(l.slice(2));b=b.slice(i+1);if(k)l[1]==='+'?k.add(v):k.delete(v)}});
process.stdin.on('end',()=>{for(const p of s.g){try{process.kill(-p,'SIGKILL')}catch{}}for(const p of s.p){try{process.kill(p,'SIGKILL')}catch{}}
for(const d of s.d){try{require('node:fs').rmSync(d,{recursive:true,force:true})}catch{}}process.exit(0)});`;

function tellReaper(line: string): void {
  if (!reaper) {
    reaper = spawn(process.execPath, ['-e', REAPER], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
    // Neither the watcher nor its pipe may keep the benchmark alive.
    reaper.unref();
    (reaper.stdin as unknown as Socket).unref();
    reaper.stdin?.on('error', () => {});
  }
  reaper.stdin?.write(`${line}\n`);
}

/**
 * What code other than `launch` started (the replicas harness: gateways, HAProxy, and
 * Postgres, whose postmaster leads its own process group): swept with the children.
 */
export type Tracked = { pid: number; group?: boolean } | { dir: string };
const tracked = new Map<string, Tracked>();
const trackKey = (item: Tracked) => ('dir' in item ? `d${item.dir}` : `${item.group ? 'g' : 'p'}${item.pid}`);

export function track(item: Tracked, live: boolean): void {
  const key = trackKey(item);
  if (live) tracked.set(key, item);
  else tracked.delete(key);
  tellReaper(`${key[0]}${live ? '+' : '-'}${key.slice(1)}`);
}

export interface Child {
  proc: ChildProcess;
  pid: number;
  /** The last lines it printed, to explain a failure. */
  tail(): string;
}

export function launch(name: string, command: string, args: string[], env: Record<string, string> = {}): Child {
  const proc = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  if (proc.pid === undefined) throw new Error(`${name}: could not spawn ${command}`);
  children.add(proc);
  tellReaper(`g+${proc.pid}`);
  proc.once('exit', () => children.delete(proc));
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    lines.splice(0, Math.max(0, lines.length - 15));
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  return { proc, pid: proc.pid, tail: () => `${name}: ${lines.join('\n  ') || '(no output)'}` };
}

const exited = (proc: ChildProcess) => proc.exitCode !== null || proc.signalCode !== null;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** SIGTERM to the group, then SIGKILL after 3 s; the group is swept even if the leader left early. */
export async function stopChild(child: Child): Promise<void> {
  killGroup(child.pid, 'SIGTERM');
  for (let waited = 0; !exited(child.proc) && waited < 3000; waited += 50) await sleep(50);
  killGroup(child.pid, 'SIGKILL');
  children.delete(child.proc);
  tellReaper(`g-${child.pid}`);
}

/** Synchronous, so it can run from process.on('exit'). */
export function killAllChildren(): void {
  for (const proc of children) if (proc.pid !== undefined) killGroup(proc.pid, 'SIGKILL');
  children.clear();
  const items = [...tracked.values()];
  for (const item of items) if (!('dir' in item)) item.group ? killGroup(item.pid, 'SIGKILL') : killProcess(item.pid);
  for (const item of items) if ('dir' in item) rmSync(item.dir, { recursive: true, force: true });
  tracked.clear();
}

function killProcess(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || !address) throw new Error('no free port');
  return address.port;
}

export function waitForLine(child: Child, pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const done = (error?: Error, match?: RegExpExecArray) => {
      clearTimeout(timer);
      child.proc.stdout?.off('data', onData);
      child.proc.off('exit', onExit);
      if (match) resolve(match);
      else reject(error);
    };
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const match = pattern.exec(buffered);
      if (match) done(undefined, match);
    };
    const onExit = () => done(new Error(`exited before ready\n  ${child.tail()}`));
    const timer = setTimeout(() => done(new Error(`not ready after ${timeoutMs} ms\n  ${child.tail()}`)), timeoutMs);
    child.proc.stdout?.on('data', onData);
    child.proc.once('exit', onExit);
  });
}

/** Polls until `url` answers (any status, or `status` if given); bounded by `timeoutMs`. */
export async function waitForHttp(child: Child, url: string, timeoutMs: number, status?: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (exited(child.proc)) throw new Error(`exited before ready\n  ${child.tail()}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.body?.cancel();
      if (status === undefined || res.status === status) return;
      last = `HTTP ${res.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await sleep(100);
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms (${last})\n  ${child.tail()}`);
}
