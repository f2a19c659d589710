/**
 * The gateway as its own OS process (`node apps/gateway/src/index.ts`, embedded PGlite in a
 * temp data dir), for what only a real process shows: signals, exit, and the child
 * processes it leaves behind (or must not).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, sleep } from '@switchboard/core/upstream/test-upstreams';
import { ADMIN_TOKEN, freePort } from './gateway.ts';

export interface GatewayProcess {
  url: string;
  child: ChildProcess;
  /** A scratch directory removed by `kill` (pid files…). */
  tmp: string;
  importConfig(doc: unknown): Promise<void>;
  /** Sends `signal` and resolves with the exit code once the process exited (bounded). */
  signal(signal: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
  /** SIGKILLs the process if still running and removes the scratch directory. */
  kill(): Promise<void>;
}

export async function startGatewayProcess(env: Record<string, string> = {}): Promise<GatewayProcess> {
  const tmp = await mkdtemp(join(tmpdir(), 'switchboard-proc-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const { DATABASE_URL: _, ...inherited } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', `${ROOT}apps/gateway/src/index.ts`], {
    cwd: ROOT,
    env: {
      ...inherited,
      PORT: String(port),
      SWITCHBOARD_PUBLIC_URL: url,
      SWITCHBOARD_DATA_DIR: join(tmp, 'data'),
      SWITCHBOARD_ADMIN_TOKEN: ADMIN_TOKEN,
      SWITCHBOARD_CONSOLE_DIR: '/nonexistent',
      SWITCHBOARD_SHUTDOWN_TIMEOUT_MS: '2000',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output = (output + chunk).slice(-20_000)));
  child.stderr?.on('data', (chunk) => (output = (output + chunk).slice(-20_000)));
  const exited = once(child, 'exit').then(() => child.exitCode);
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    await rm(tmp, { recursive: true, force: true });
  };
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`gateway exited: ${output}`);
      if (Date.now() > deadline) throw new Error(`gateway did not start: ${output}`);
      const ready = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
      if (ready) break;
      await sleep(200);
    }
  } catch (error) {
    await kill();
    throw error;
  }
  return {
    url,
    child,
    tmp,
    async importConfig(doc) {
      const res = await fetch(`${url}/api/v1/import`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(doc),
      });
      if (res.status !== 200) throw new Error(`import failed: ${res.status} ${await res.text()}`);
    },
    async signal(signal, timeoutMs = 30_000) {
      child.kill(signal);
      const timedOut = sleep(timeoutMs).then(() => {
        throw new Error(`gateway did not exit within ${timeoutMs} ms of ${signal}: ${output}`);
      });
      return Promise.race([exited, timedOut]);
    },
    kill,
  };
}

/** Whether a process with this pid exists (a zombie counts until its parent reaps it). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
