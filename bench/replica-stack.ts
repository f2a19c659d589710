/**
 * The system under test of bench/replicas.ts: N gateway replicas (the bundle, with the
 * flags of its `start` script) on one throwaway Postgres behind HAProxy running
 * docker/haproxy.cfg — the e2e harness (e2e/support/replicas.ts) — plus the bench's echo
 * upstream over Streamable HTTP, configured as users run it: OAuth, a policy allowing the
 * bench user the echo tool (default deny), every call audited (`--gateway-profile full`).
 */
import { join } from 'node:path';
import { startReplicas, type Replicas } from '../e2e/support/replicas.ts';
import { PROCESS_ADMIN_TOKEN } from '../e2e/support/gateway-process.ts';
import { type Child, ROOT, stopChild, track } from './children.ts';
import { benchAccessToken } from './oauth-login.ts';
import { BENCH_SECRET_KEYS, BENCH_SERVER_ID, bundleGateway, connectUpstreams, type GatewayProfile, gatewayProfileConfig, startEchoHttp } from './targets.ts';

export interface StackOptions {
  replicas: number;
  node: string;
  gatewayProfile: GatewayProfile;
  upstreamProtocol: 'auto' | 'legacy';
  gatewayNodeFlags: string[];
  /** Per replica (a replica caps one caller's sessions, 200 by default): above the run's sessions. */
  maxSessionsPerCaller: number;
  /** Processes of the echo upstream (node:cluster on one port), so it is not what bounds N replicas. */
  echoWorkers: number;
}

export interface Stack {
  ha: Replicas;
  echo: Child;
  /** The virtual server's MCP URL through HAProxy. */
  mcpUrl: string;
  tool: string;
  headers?: Record<string, string>;
  /** The running gateways: name, port, pid. */
  gateways(): Array<{ name: string; port: number; pid: number }>;
  stop(): Promise<void>;
}

export async function startStack(o: StackOptions): Promise<Stack> {
  await bundleGateway(o.node);
  const echo = await startEchoHttp({ node: o.node, gatewayProfile: o.gatewayProfile, upstreamProtocol: o.upstreamProtocol, gatewayNodeFlags: o.gatewayNodeFlags }, o.echoWorkers);
  let ha: Replicas | undefined;
  const stop = async () => {
    await ha?.stop();
    await stopChild(echo.child);
  };
  try {
    ha = await startReplicas(o.replicas, {
      gatewayNodeArgs: [...o.gatewayNodeFlags, join(ROOT, 'apps/gateway/dist/index.js')],
      logLevel: 'warn',
      track,
      extraEnv: {
        SWITCHBOARD_SECRET_KEYS: BENCH_SECRET_KEYS,
        SWITCHBOARD_MAX_SESSIONS_PER_CALLER: String(o.maxSessionsPerCaller),
      },
    });
    const upstream = { type: 'streamable-http', url: echo.url, protocol: o.upstreamProtocol };
    const imported = await ha.api('POST', '/import', { mcpServers: { echo: upstream }, ...gatewayProfileConfig(o.gatewayProfile) });
    if (!imported.ok) throw new Error(`import failed: HTTP ${imported.status} ${(await imported.text()).slice(0, 300)}`);
    await ha.serving(BENCH_SERVER_ID);
    // Each replica connects the upstream now rather than at its first call.
    const running = ha.replicas.filter((r) => r.process);
    for (const r of running) await connectUpstreams(`http://127.0.0.1:${r.port}`, PROCESS_ADMIN_TOKEN);
    const mcpUrl = ha.mcpUrl(BENCH_SERVER_ID);
    // The real OAuth flow, through the load balancer like any client.
    const headers = o.gatewayProfile === 'full' ? { authorization: `Bearer ${await benchAccessToken(ha.url, mcpUrl)}` } : undefined;
    const started = ha;
    return {
      ha: started,
      echo: echo.child,
      mcpUrl,
      tool: 'echo__echo',
      headers,
      gateways: () => started.replicas.flatMap((r) => (r.process?.child.pid ? [{ name: r.name, port: r.port, pid: r.process.child.pid }] : [])),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
