import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throwaway PostgreSQL server (Debian's binaries) on a temporary directory and a free
 * loopback port, for tests. Stopped and deleted by `stop()`.
 */
export interface PostgresServer {
  url: string;
  /** The temporary directory holding its data, socket and log (deleted by `stop()`). */
  dir: string;
  /** The postmaster's pid while it runs (a process group leader: pg_ctl starts it with setsid). */
  pid(): number | undefined;
  stop(): Promise<void>;
  /** Stops the server keeping its data (`pg_ctl stop -m fast`): an outage. */
  pause(): Promise<void>;
  /** Starts it again on the same port and data after `pause()`. */
  resume(): Promise<void>;
}

function findBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions[0]) return join(root, versions[0], 'bin');
  try {
    return execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('PostgreSQL server binaries not found: install them with `apt-get install -y postgresql`.');
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** initdb refuses to run as root, so as root we run the server as the `postgres` user. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

function run(cmd: string, args: string[], user: { uid: number; gid: number } | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], ...user });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} exited with ${code}: ${stderr.trim()}`)),
    );
  });
}

export async function startPostgresServer(): Promise<PostgresServer> {
  const bin = findBinDir();
  const user = serverUser();
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-pg-'));
  if (user) await chown(dir, user.uid, user.gid);
  const dataDir = join(dir, 'data');
  await run(join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'], user);
  const port = await freePort();
  // Durability settings off: this server lives for one test run.
  const serverOptions = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  const start = () => run(join(bin, 'pg_ctl'), ['start', '-w', '-t', '60', '-D', dataDir, '-l', join(dir, 'server.log'), '-o', serverOptions], user);
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    dir,
    pid: () => {
      // postmaster.pid's first line is the pid; the file exists exactly while the server runs
      const pid = existsSync(join(dataDir, 'postmaster.pid')) ? Number.parseInt(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8'), 10) : Number.NaN;
      return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    },
    pause: () => run(join(bin, 'pg_ctl'), ['stop', '-w', '-m', 'fast', '-D', dataDir], user),
    resume: start,
    async stop() {
      await run(join(bin, 'pg_ctl'), ['stop', '-m', 'immediate', '-D', dataDir], user).catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}
