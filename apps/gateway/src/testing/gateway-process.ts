/**
 * The gateway as its own OS process (the real entry point, `src/index.ts`), for what only
 * exists between processes: replicas on one database, a process killed with SIGKILL or
 * ended with SIGTERM. The e2e suite builds on it (e2e/support/gateway-process.ts).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const gatewayDir = fileURLToPath(new URL('../../', import.meta.url));

export interface GatewayProcess {
  child: ChildProcess;
  url: string;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code once it exited (at once if it already did). */
  exited(): Promise<number | null>;
  /** Sends `signal` and resolves with the exit code once the process exited (bounded). */
  signal(signal: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
  /** SIGKILL, then waits for the exit. */
  kill(): Promise<void>;
}

export interface Exited {
  code: number | null;
  output: string;
}

export interface SpawnOptions {
  timeoutMs?: number;
  /** Node arguments instead of `--import tsx src/index.ts` (run from apps/gateway), e.g. the bundle with its start flags. */
  nodeArgs?: string[];
  /**
   * Ready once this URL answers 200 instead of once it logged "Switchboard is listening":
   * for a gateway that logs below `info` (the bench: a line per request costs CPU).
   */
  readyUrl?: string;
}

/** Starts the entry point; resolves once it is listening (see SpawnOptions.readyUrl), or with its exit if it exited first. */
export function spawnGateway(env: Record<string, string>, { timeoutMs = 90_000, nodeArgs, readyUrl }: SpawnOptions = {}): Promise<GatewayProcess | Exited> {
  const child = spawn(process.execPath, nodeArgs ?? ['--import', 'tsx', 'src/index.ts'], {
    cwd: gatewayDir,
    env: { PATH: process.env.PATH, PORT: '0', LOG_LEVEL: 'info', SWITCHBOARD_CONSOLE_DIR: '/nonexistent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr!.on('data', (chunk) => {
    output += chunk;
  });
  const exit = new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`gateway did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    let probing = false;
    const listeningAt = async (): Promise<string | undefined> => {
      if (!readyUrl) {
        const line = output.split('\n').find((l) => l.includes('Switchboard is listening'));
        return line ? JSON.parse(line).url : undefined;
      }
      const ok = await fetch(readyUrl, { signal: AbortSignal.timeout(2000) }).then(
        (res) => res.body?.cancel().then(() => res.ok) ?? res.ok,
        () => false,
      );
      return ok ? new URL(readyUrl).origin : undefined;
    };
    const poll = setInterval(async () => {
      if (probing) return;
      probing = true;
      const url = await listeningAt();
      probing = false;
      if (!url || child.exitCode !== null) return;
      clearInterval(poll);
      clearTimeout(timer);
      resolve({
        child,
        url,
        output: () => output,
        exited: () => exit,
        async signal(signal, ms = 30_000) {
          child.kill(signal);
          const timedOut = new Promise<never>((_, fail) =>
            setTimeout(() => fail(new Error(`gateway did not exit within ${ms} ms of ${signal}:\n${output}`)), ms).unref(),
          );
          return Promise.race([exit, timedOut]);
        },
        async kill() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
          await exit;
        },
      });
    }, readyUrl ? 100 : 50);
    void exit.then((code) => {
      clearInterval(poll);
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

export const hasStarted = (started: GatewayProcess | Exited): started is GatewayProcess => 'child' in started;


/** spawnGateway that must start (throws with its output otherwise). */
export async function startGatewayProcess(env: Record<string, string>): Promise<GatewayProcess> {
  const gw = await spawnGateway(env);
  if (!hasStarted(gw)) throw new Error(`gateway exited with ${gw.code}:\n${gw.output}`);
  return gw;
}

/** A loopback port free right now (for a process that must know its public URL before it starts). */
export { freePort } from '@switchboard/core/upstream/test-upstreams';
