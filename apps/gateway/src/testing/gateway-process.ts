import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const gatewayDir = fileURLToPath(new URL('../..', import.meta.url));

export interface GatewayProcess {
  child: ChildProcess;
  url: string;
  /** Everything it wrote so far (stdout and stderr). */
  output: string;
  /** SIGTERM, resolved with the exit code. */
  stop(): Promise<number | null>;
}

/** Runs the real entry point as its own process and waits for its "listening" log line. */
export function startGatewayProcess(env: Record<string, string>): Promise<GatewayProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
    cwd: gatewayDir,
    env: { PATH: process.env.PATH, PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const started: GatewayProcess = {
    child,
    url: '',
    output: '',
    stop() {
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      return exited;
    },
  };
  child.stdout!.on('data', (chunk) => {
    started.output += chunk;
  });
  child.stderr!.on('data', (chunk) => {
    started.output += chunk;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`gateway did not start:\n${started.output}`));
    }, 60_000);
    const onData = () => {
      const line = started.output.split('\n').find((l) => l.includes('Switchboard is listening'));
      if (!line) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      started.url = JSON.parse(line).url;
      resolve(started);
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited with ${code}:\n${started.output}`));
    });
  });
}

/** A loopback port free right now (for a process that must know its public URL before it starts). */
export { freePort } from '@switchboard/core/upstream/test-upstreams';
