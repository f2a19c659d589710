/**
 * The gateway as its own OS process (the real entry point, `apps/gateway/src/index.ts`),
 * for faults that only exist between processes: a second process on one data directory,
 * a replica whose database connection is cut, a process killed with SIGKILL or ended with
 * SIGTERM (and the upstream processes it must not leave behind).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const gatewayDir = fileURLToPath(new URL('../../apps/gateway/', import.meta.url));

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

/** Whether a process with this pid exists (a zombie counts until its parent reaps it). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The bootstrap admin token the process tests start gateways with. */
export const PROCESS_ADMIN_TOKEN = 'faults-process-admin-token-'.padEnd(48, 'x');

/** The admin API of a gateway process, with PROCESS_ADMIN_TOKEN. */
export const processApi = (url: string, method: string, path: string, body?: unknown) =>
  fetch(`${url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${PROCESS_ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });

const running: GatewayProcess[] = [];

/** spawnGateway that must start (throws with its output otherwise); killed by killGateways(). */
export async function startGatewayProcess(env: Record<string, string>): Promise<GatewayProcess> {
  const gw = await spawnGateway(env);
  if (!hasStarted(gw)) throw new Error(`gateway exited with ${gw.code}:\n${gw.output}`);
  running.push(gw);
  return gw;
}

/** Also takes one that was expected to exit but started anyway. */
export const trackGateway = (gw: GatewayProcess) => running.push(gw);

export async function killGateways(): Promise<void> {
  await Promise.all(running.splice(0).map((gw) => gw.kill()));
}
