/**
 * Three real gateway processes on one throwaway Postgres behind a real HAProxy
 * (round-robin, no stickiness, health checks on /readyz): the replicas of issue 17. Every
 * MCP answer names its replica (`X-Switchboard-Replica`), so a test can prove where each
 * request landed. `stop()` ends HAProxy, the gateways and Postgres. The capacity benchmark
 * (bench/replicas.ts) runs on the same harness, with the options below.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatKeyRing, generateSecretKey } from '@switchboard/auth/secret-box';
import { freePort, ROOT, waitFor } from '@switchboard/core/upstream/test-upstreams';
import { type PostgresServer, startPostgresServer } from '../../packages/db/src/testing/postgres-server.ts';
import { type GatewayProcess, PROCESS_ADMIN_TOKEN, spawnGateway, hasStarted } from './gateway-process.ts';

export const HAPROXY = '/usr/sbin/haproxy';
export const REPLICA_HEADER = 'x-switchboard-replica';

export interface Replica {
  name: string;
  port: number;
  process?: GatewayProcess;
}

export interface ReplicaOptions {
  extraEnv?: Record<string, string>;
  /** Node arguments of each gateway (default: the sources under tsx); the bench runs the bundle. */
  gatewayNodeArgs?: string[];
  /** Default `info`, which logs every request; the bench runs at `warn` (a line per call costs CPU). */
  logLevel?: string;
  /**
   * Told of each process and directory the harness starts (`live`) and stops, so a caller
   * can sweep them if it is itself killed (Postgres's postmaster leads its own group).
   */
  track?(item: { pid: number; group?: boolean } | { dir: string }, live: boolean): void;
}

export interface Replicas {
  /** The load balancer's URL: what clients use. */
  url: string;
  pg: PostgresServer;
  /** Always three slots (docker/haproxy.cfg names three); those not started are down in HAProxy. */
  replicas: Replica[];
  /** HAProxy's pid while it runs. */
  haproxyPid(): number | undefined;
  mcpUrl(serverId: string): string;
  /** The admin API through the load balancer. */
  api(method: string, path: string, body?: unknown): Promise<Response>;
  /** (Re)starts replica `i` on its port; resolves once HAProxy sees it ready. */
  start(i: number): Promise<void>;
  /** Waits until every running replica serves the virtual server (a change reaches the others by notification). */
  serving(serverId: string): Promise<void>;
  /** Waits until HAProxy routes to exactly the replicas now running. */
  settled(): Promise<void>;
  stop(): Promise<void>;
  /** HAProxy's recent log (one line per request: which replica, status, timings). */
  haproxyLog(): string;
}

/**
 * The repository's own load-balancer configuration (docker/haproxy.cfg: per-request
 * round-robin, no stickiness, requests refused before any work retried elsewhere), with
 * this run's addresses in its environment. It names three replicas.
 */
const HAPROXY_CONFIG = `${ROOT}docker/haproxy.cfg`;

function haproxyEnv(port: number, statsPort: number, replicas: Replica[]): Record<string, string> {
  if (replicas.length !== 3) throw new Error('docker/haproxy.cfg names three replicas');
  return {
    SWITCHBOARD_LB_BIND: `127.0.0.1:${port}`,
    SWITCHBOARD_LB_STATS_BIND: `127.0.0.1:${statsPort}`,
    ...Object.fromEntries(replicas.map((r, i) => [`SWITCHBOARD_REPLICA_${i + 1}`, `127.0.0.1:${r.port}`])),
  };
}

/** Starts the first `count` (≤ 3) of the three replicas; the others can be started later with `start(i)`. */
export async function startReplicas(count = 3, { extraEnv = {}, gatewayNodeArgs, logLevel = 'info', track = () => {} }: ReplicaOptions = {}): Promise<Replicas> {
  if (!(count >= 1 && count <= 3)) throw new Error('docker/haproxy.cfg names three replicas: start 1 to 3');
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-ha-'));
  track({ dir }, true);
  const pg = await startPostgresServer();
  const pgPid = pg.pid();
  track({ dir: pg.dir }, true);
  if (pgPid) track({ pid: pgPid, group: true }, true);
  const lbPort = await freePort();
  const statsPort = await freePort();
  const url = `http://127.0.0.1:${lbPort}`;
  const replicas: Replica[] = [];
  for (let i = 0; i < 3; i++) replicas.push({ name: `gw${i + 1}`, port: await freePort() });
  const env = {
    DATABASE_URL: pg.url,
    SWITCHBOARD_SECRET_KEYS: formatKeyRing([generateSecretKey('k1')]),
    SWITCHBOARD_ADMIN_TOKEN: PROCESS_ADMIN_TOKEN,
    SWITCHBOARD_PUBLIC_URL: url,
    SWITCHBOARD_SHUTDOWN_TIMEOUT_MS: '10000',
    LOG_LEVEL: 'warn',
    ...extraEnv,
  };
  let haproxy: ChildProcess | undefined;
  let haproxyOutput = '';

  const start = async (i: number) => {
    const replica = replicas[i]!;
    const started = await spawnGateway(
      {
        ...env,
        // names each replica's connections in pg_stat_activity (postgres.js passes it on)
        DATABASE_URL: `${pg.url}?application_name=${replica.name}`,
        PORT: String(replica.port),
        SWITCHBOARD_REPLICA_NAME: replica.name,
        LOG_LEVEL: logLevel,
      },
      { nodeArgs: gatewayNodeArgs, readyUrl: logLevel === 'info' ? undefined : `http://127.0.0.1:${replica.port}/readyz` },
    );
    if (!hasStarted(started)) throw new Error(`replica ${replica.name} exited with ${started.code}:\n${started.output}`);
    const pid = started.child.pid!;
    track({ pid }, true);
    void started.exited().then(() => track({ pid }, false));
    replica.process = started;
    if (haproxy) await settled();
  };
  const running = () => replicas.filter((r) => r.process && r.process.child.exitCode === null && r.process.child.signalCode === null).length;
  const settled = async () => {
    // past the first checks of servers just added or restarted
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await waitFor(
      async () => {
        const up = await fetch(`http://127.0.0.1:${statsPort}/`).then((r) => r.text(), () => '');
        return Number(up) === running();
      },
      'HAProxy to see the replicas that run',
      30_000,
    );
  };
  const stop = async () => {
    if (haproxy && haproxy.exitCode === null) {
      haproxy.kill('SIGTERM');
      await once(haproxy, 'exit');
    }
    await Promise.all(replicas.map((r) => r.process?.kill()));
    await pg.stop();
    await rm(dir, { recursive: true, force: true });
    track({ dir }, false);
    if (pgPid) track({ pid: pgPid, group: true }, false);
    track({ dir: pg.dir }, false);
  };

  try {
    // the first one migrates; the others then start together
    await start(0);
    await Promise.all(replicas.slice(1, count).map((_, i) => start(i + 1)));
    haproxy = spawn(HAPROXY, ['-db', '-f', HAPROXY_CONFIG], {
      env: { ...process.env, ...haproxyEnv(lbPort, statsPort, replicas) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const haproxyPid = haproxy.pid;
    if (haproxyPid) {
      track({ pid: haproxyPid }, true);
      haproxy.once('exit', () => track({ pid: haproxyPid }, false));
    }
    // A line per request: keep the recent part only (a load run writes megabytes).
    const keep = (d: Buffer) => {
      haproxyOutput += d;
      if (haproxyOutput.length > 1 << 20) haproxyOutput = haproxyOutput.slice(-(1 << 18));
    };
    haproxy.stdout!.on('data', keep);
    haproxy.stderr!.on('data', keep);
    await settled().catch((error) => {
      throw new Error(`${(error as Error).message}\n${haproxyOutput}`);
    });
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    url,
    pg,
    replicas,
    haproxyPid: () => (haproxy?.exitCode === null && haproxy.signalCode === null ? haproxy.pid : undefined),
    mcpUrl: (serverId) => `${url}/servers/${serverId}/mcp`,
    api: (method, path, body) =>
      fetch(`${url}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${PROCESS_ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      }),
    start,
    settled,
    stop,
    haproxyLog: () => haproxyOutput,
    serving: (serverId) =>
      waitFor(
        async () => {
          const known = await Promise.all(
            replicas
              .filter((r) => r.process)
              .map((r) => fetch(`http://127.0.0.1:${r.port}/servers/${serverId}/mcp`, { headers: { host: new URL(url).host } }).then((res) => res.status !== 404, () => false)),
          );
          return known.every(Boolean);
        },
        'every replica to serve the virtual server',
        30_000,
      ),
  };
}

/** One request a client made: what (the JSON-RPC method, or the HTTP method), which replica answered, and whether it resumed a stream (`Last-Event-ID`): the session's standalone stream (plain numeric ids) or a request's. */
export interface Seen {
  what: string;
  replica: string | null;
  status?: number;
  resumed?: 'standalone' | 'request';
}

/** A fetch that records which replica answered each request (method of the JSON-RPC body, or the HTTP method). */
export function recordingFetch(seen: Seen[]): typeof fetch {
  return async (input, init) => {
    let what = init?.method ?? 'GET';
    if (typeof init?.body === 'string') {
      try {
        const body = JSON.parse(init.body) as { method?: string; id?: unknown };
        what = body.method ?? `answer:${String(body.id)}`;
      } catch {
        // not JSON: keep the HTTP method
      }
    }
    const response = await fetch(input, init);
    const lastEventId = new Headers(init?.headers).get('last-event-id');
    const resumed = lastEventId === null ? undefined : /^\d+$/.test(lastEventId) ? 'standalone' : 'request';
    seen.push({ what, replica: response.headers.get(REPLICA_HEADER), status: response.status, ...(resumed && { resumed }) });
    return response;
  };
}
