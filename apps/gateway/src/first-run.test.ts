import { freePort } from '@switchboard/core/upstream/test-upstreams';
/**
 * The first run, as a person meets it: the real entry point (`src/index.ts`) and the
 * `admin-token` CLI as their own processes on a fresh embedded data directory.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const gatewayDir = fileURLToPath(new URL('..', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'sb-first-run-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
});

/** As `npm start` from `tmp` would run it: in apps/gateway, with INIT_CWD where the person was. */
const baseEnv = (env: Record<string, string>) => ({ PATH: process.env.PATH, LOG_LEVEL: 'info', INIT_CWD: tmp, ...env });

/** Starts the gateway; resolves with its output once it listens (and its banner is out) or once it exits. */
function start(env: Record<string, string>): Promise<{ child: ChildProcess; code: number | null; url?: string; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], { cwd: gatewayDir, env: baseEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway neither started nor exited:\n${output}`)), 60_000);
    const poll = setInterval(() => {
      const line = output.split('\n').find((l) => l.includes('Switchboard is listening'));
      if (!line) return;
      clearInterval(poll);
      clearTimeout(timer);
      // The banner is written right after the log line.
      setTimeout(() => resolve({ child, code: null, url: JSON.parse(line).url, output }), 300);
    }, 50);
    child.once('exit', (code) => {
      clearInterval(poll);
      clearTimeout(timer);
      resolve({ child, code, output });
    });
  });
}

async function stop(child: ChildProcess) {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

const tokenIn = (output: string) => output.match(/\b(sb_[A-Za-z0-9_-]{43})\b/)?.[1];

const apiStatus = async (url: string, token: string) =>
  (await fetch(`${url}/api/v1/upstreams`, { headers: { authorization: `Bearer ${token}` } })).status;

function adminTokenCli(env: Record<string, string>) {
  return run(process.execPath, ['--import', 'tsx', 'src/cli/admin-token.ts'], { cwd: gatewayDir, env: baseEnv(env), timeout: 60_000 }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

describe('first run', () => {
  it('a first start that fails (port taken, bad --config path) stores no token: the start that serves prints it', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const busyPort = String((busy.address() as { port: number }).port);
    try {
      // `data` is relative: it is the data directory in `tmp`, where `npm start` was run.
      const portTaken = await start({ SWITCHBOARD_DATA_DIR: 'data', PORT: busyPort });
      expect(portTaken.code).toBe(1);
      expect(tokenIn(portTaken.output)).toBeUndefined();
      // Where it looked is printed, absolute, before anything can fail.
      const starting = JSON.parse(portTaken.output.split('\n').find((l) => l.includes('Switchboard is starting'))!);
      expect(starting).toMatchObject({ dataDir: join(tmp, 'data'), database: 'pglite' });
    } finally {
      busy.close();
    }

    const badConfig = await start({ SWITCHBOARD_DATA_DIR: 'data', PORT: '0', SWITCHBOARD_CONFIG: 'missing.json' });
    expect(badConfig.code).toBe(1);
    expect(badConfig.output).toContain(join(tmp, 'missing.json'));
    expect(tokenIn(badConfig.output)).toBeUndefined();

    const serving = await start({ SWITCHBOARD_DATA_DIR: 'data', PORT: '0' });
    try {
      const token = tokenIn(serving.output);
      expect(token).toBeDefined();
      expect(serving.output).toContain(`Data: ${join(tmp, 'data')}`);
      expect(await apiStatus(serving.url!, token!)).toBe(200);
    } finally {
      await stop(serving.child);
    }
  }, 120_000);

  it('`npm run admin-token` issues a new admin token from the host; with the embedded database, not while a gateway holds it', async () => {
    const env = { SWITCHBOARD_DATA_DIR: 'cli-data', PORT: String(await freePort()) };
    const first = await start(env);
    const printed = tokenIn(first.output)!;
    expect(printed).toBeDefined();

    const refused = await adminTokenCli(env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/a gateway is running on port \d+ with the embedded database.*stop it/);
    await stop(first.child);

    const issued = await adminTokenCli(env);
    expect(issued.code).toBe(0);
    const fresh = issued.stdout.trim();
    expect(fresh).toMatch(/^sb_[A-Za-z0-9_-]{43}$/);

    const again = await start(env);
    try {
      expect(tokenIn(again.output)).toBeUndefined(); // tokens exist: nothing is printed
      expect(await apiStatus(again.url!, fresh)).toBe(200);
      expect(await apiStatus(again.url!, printed)).toBe(200);
    } finally {
      await stop(again.child);
    }

    const nowhere = await adminTokenCli({ SWITCHBOARD_DATA_DIR: 'not-a-data-dir' });
    expect(nowhere.code).toBe(1);
    expect(nowhere.stderr).toContain(`no embedded database in ${join(tmp, 'not-a-data-dir')}`);
  }, 120_000);
});
