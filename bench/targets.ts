/**
 * The paths under test. Each target starts its processes (children.ts), returns the MCP
 * URL to load, the tool name there and the pid whose resources are reported, and stops
 * everything it started.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Child, freePort, launch, ROOT, stopChild, waitForHttp, waitForLine } from './children.ts';
import { BENCH_USER, benchAccessToken } from './oauth-login.ts';

export const BENCH_SERVER_ID = '5b0a7d00-be9c-4c3a-9f11-0d1e2f3a4b5c';

/**
 * One secret key for every gateway of a run: on a shared `--database-url` each target
 * boots on what the previous one stored encrypted (signing keys, secrets), and a new key
 * per start would leave those unreadable. A database used by an earlier run needs that
 * run's key, so give each run a fresh database.
 */
export const BENCH_SECRET_KEYS = `bench:${randomBytes(32).toString('base64')}`;

export interface TargetContext {
  /** Node binary for every child (the one running the benchmark). */
  node: string;
  gatewayProfile: GatewayProfile;
  /** The echo upstream's `protocol` setting in gateway-http (`legacy`: a 2025-era session). */
  upstreamProtocol: 'auto' | 'legacy';
  /** Run the gateway on this Postgres instead of the embedded PGlite (which dominates its RSS). */
  databaseUrl?: string;
  /** Node flags for the gateway: by default those of its `start` script (startNodeFlags). */
  gatewayNodeFlags: string[];
  /** Full profile: add a rate-limit rule on every call that never trips (the limits stage's cost). */
  limitRule?: boolean;
}

export interface StartedTarget {
  url: string;
  tool: string;
  /** The process whose RSS and CPU are reported: the server or proxy itself, not its children. */
  pid: number;
  /** Request headers the load must send (bearer token once the gateway runs with auth). */
  headers?: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * `full` (default): OAuth JWT, policy and audit switched on, as DESIGN.md "Performance" asks.
 * `bare`: auth `none` and every tool allowed (audit still records), to see their cost.
 */
export type GatewayProfile = 'bare' | 'full';

export { killAllChildren, ROOT } from './children.ts';
const ECHO = join(ROOT, 'bench/echo-server.ts');
const FLOOR_RELAY = join(ROOT, 'bench/floor-relay.ts');
/** What `npm start` and the image run: the esbuild bundle on plain node (no tsx loader thread). */
export const GATEWAY = join(ROOT, 'apps/gateway/dist/index.js');
const BUNDLE_SCRIPT = join(ROOT, 'apps/gateway/scripts/bundle.mjs');
const MCP_PROXY = join(ROOT, 'node_modules/mcp-proxy/dist/bin/mcp-proxy.mjs');
const SUPERGATEWAY = join(ROOT, 'node_modules/supergateway/dist/index.js');

const tsxArgs = (file: string, ...rest: string[]) => ['--import', 'tsx', file, ...rest];

let bundled: Promise<void> | undefined;
/** Rebuilt once per run (under a second), so the bundle always matches the sources. */
export function bundleGateway(node: string): Promise<void> {
  bundled ??= new Promise((resolve, reject) => {
    execFile(node, [BUNDLE_SCRIPT], { cwd: ROOT, timeout: 60_000 }, (error, _stdout, stderr) =>
      error ? reject(new Error(`gateway bundle failed: ${stderr || error.message}`)) : resolve(),
    );
  });
  return bundled;
}

/** `workers` > 1: that many processes on one port (stateless requests only; see echo-server.ts). */
export async function startEchoHttp(ctx: TargetContext, workers = 1): Promise<{ child: Child; url: string }> {
  const child = launch('echo-server', ctx.node, tsxArgs(ECHO, '--http', '--port', '0', '--workers', String(workers)));
  try {
    const match = await waitForLine(child, /listening (\S+)/, 30_000);
    return { child, url: match[1]! };
  } catch (error) {
    await stopChild(child);
    throw error;
  }
}

/** (a) the upstream itself over the SDK's Streamable HTTP transport. */
async function directHttp(ctx: TargetContext): Promise<StartedTarget> {
  const { child, url } = await startEchoHttp(ctx);
  return { url, tool: 'echo', pid: child.pid, stop: () => stopChild(child) };
}

/**
 * (reference) the same echo behind the cheapest possible Node hop, floor-relay.ts: what any
 * Node process between the load and the upstream costs on this machine, before doing anything.
 */
async function floorHttp(ctx: TargetContext): Promise<StartedTarget> {
  const echo = await startEchoHttp(ctx);
  // Without tsx's loader thread where node strips types itself (22.18+), as the gateway runs bundled.
  const strips = (process.features as { typescript?: string }).typescript !== undefined;
  const args = ['--port', '0', '--upstream', echo.url];
  const relay = launch('floor-relay', ctx.node, strips ? [FLOOR_RELAY, ...args] : tsxArgs(FLOOR_RELAY, ...args));
  const stop = () => Promise.all([stopChild(relay), stopChild(echo.child)]).then(() => {});
  try {
    const match = await waitForLine(relay, /listening (\S+)/, 30_000);
    return { url: match[1]!, tool: 'echo', pid: relay.pid, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Starts a proxy child that needs no setup beyond its command line, and waits for its port. */
async function simpleProxy(name: string, command: string, args: string[], port: number): Promise<StartedTarget> {
  const child = launch(name, command, args);
  const url = `http://127.0.0.1:${port}/mcp`;
  try {
    await waitForHttp(child, url, 30_000);
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  return { url, tool: 'echo', pid: child.pid, stop: () => stopChild(child) };
}

/** (d) mcp-proxy: Streamable HTTP on /mcp only, one shared stdio upstream for all sessions. */
async function mcpProxy(ctx: TargetContext): Promise<StartedTarget> {
  const port = await freePort();
  const args = [MCP_PROXY, '--port', String(port), '--host', '127.0.0.1', '--server', 'stream', '--', ctx.node, ...tsxArgs(ECHO, '--stdio')];
  return simpleProxy('mcp-proxy', ctx.node, args, port);
}

/**
 * (d) supergateway: stdio → Streamable HTTP, `--stateful` because the load keeps 2025-era
 * sessions (stateless mode spawns a stdio server per POST). Stateful spawns one stdio
 * server per session. It has no host option and listens on all interfaces; we only
 * ever connect to 127.0.0.1.
 */
async function supergateway(ctx: TargetContext): Promise<StartedTarget> {
  const port = await freePort();
  const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
  const stdio = [ctx.node, ...tsxArgs(ECHO, '--stdio')].map(quote).join(' ');
  const args = [SUPERGATEWAY, '--stdio', stdio, '--outputTransport', 'streamableHttp', '--stateful', '--port', String(port), '--logLevel', 'none'];
  return simpleProxy('supergateway', ctx.node, args, port);
}

/**
 * What each profile adds to the configuration document. `full` protects the server with
 * OAuth (the load sends a real access token), lets the user call only `echo:*` through a
 * policy, and audits every call (the trail is always on).
 */
export function gatewayProfileConfig(profile: GatewayProfile, limitRule = false): Record<string, unknown> {
  if (profile === 'bare') return { virtualServers: { bench: { id: BENCH_SERVER_ID, upstreams: ['echo'], auth: 'none', defaultAccess: 'allow' } } };
  return {
    virtualServers: { bench: { id: BENCH_SERVER_ID, upstreams: ['echo'], auth: 'oauth', defaultAccess: 'deny' } },
    users: { [BENCH_USER.email]: { password: BENCH_USER.password, allowed_tools: ['echo:*'] } },
    ...(limitRule && { limits: { 'bench-never-trips': { user: BENCH_USER.email, tools: 'echo:*', rate: { count: 1_000_000, per: 'second' } } } }),
  };
}

/** (b)/(c) the Switchboard gateway, configured through its admin API with one echo upstream. */
async function gateway(ctx: TargetContext, upstreamKind: 'stdio' | 'http'): Promise<StartedTarget> {
  const profile = gatewayProfileConfig(ctx.gatewayProfile, ctx.limitRule);
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-bench-'));
  const token = randomBytes(24).toString('hex');
  const started: Child[] = [];
  const stop = async () => {
    await Promise.all(started.map(stopChild));
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    let upstream: Record<string, unknown> = { command: ctx.node, args: tsxArgs(ECHO, '--stdio'), cwd: ROOT };
    if (upstreamKind === 'http') {
      const echo = await startEchoHttp(ctx);
      started.push(echo.child);
      upstream = { type: 'streamable-http', url: echo.url, protocol: ctx.upstreamProtocol };
    }
    await bundleGateway(ctx.node);
    const child = launch('gateway', ctx.node, [...ctx.gatewayNodeFlags, GATEWAY], {
      PORT: String(port),
      HOST: '127.0.0.1',
      SWITCHBOARD_PUBLIC_URL: `http://127.0.0.1:${port}`,
      SWITCHBOARD_DATA_DIR: dataDir,
      SWITCHBOARD_ADMIN_TOKEN: token,
      LOG_LEVEL: 'warn',
      ...(ctx.databaseUrl && {
        DATABASE_URL: ctx.databaseUrl,
        SWITCHBOARD_SECRET_KEYS: BENCH_SECRET_KEYS,
      }),
    });
    started.push(child);
    const base = `http://127.0.0.1:${port}`;
    await waitForHttp(child, `${base}/readyz`, 60_000, 200);
    // Stable, so runs against one Postgres (--database-url) update the same virtual server.
    const id = BENCH_SERVER_ID;
    const res = await fetch(`${base}/api/v1/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ mcpServers: { echo: upstream }, ...profile }),
      signal: AbortSignal.timeout(30_000),
    });
    if (!res.ok) throw new Error(`import failed: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`);
    // Connect the echo upstream before the priming session: on a busy machine its start
    // outlasts the 5 s a request waits for an upstream with no known tools.
    await connectUpstreams(base, token);
    const url = `${base}/servers/${id}/mcp`;
    const headers = ctx.gatewayProfile === 'full' ? { authorization: `Bearer ${await benchAccessToken(base, url)}` } : undefined;
    return { url, tool: 'echo__echo', pid: child.pid, headers, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

export async function connectUpstreams(base: string, token: string) {
  const headers = { authorization: `Bearer ${token}` };
  const list = (await (await fetch(`${base}/api/v1/upstreams`, { headers, signal: AbortSignal.timeout(30_000) })).json()) as { items: Array<{ id: string }> };
  for (const { id } of list.items) {
    const res = await fetch(`${base}/api/v1/upstreams/${id}/refresh`, { method: 'POST', headers, signal: AbortSignal.timeout(60_000) });
    if (!res.ok) throw new Error(`upstream ${id} did not connect: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`);
    await res.text();
  }
}

export const TARGETS = {
  'direct-http': directHttp,
  'gateway-stdio': (ctx) => gateway(ctx, 'stdio'),
  'gateway-http': (ctx) => gateway(ctx, 'http'),
  'floor-http': floorHttp,
  'mcp-proxy': mcpProxy,
  supergateway,
} satisfies Record<string, (ctx: TargetContext) => Promise<StartedTarget>>;

export type TargetName = keyof typeof TARGETS;
export const TARGET_NAMES = Object.keys(TARGETS) as TargetName[];
