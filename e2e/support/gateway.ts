import { freePort } from '@switchboard/core/upstream/test-upstreams';
/**
 * The whole gateway as `index.ts` runs it (embedded PGlite in a temp data dir, a real
 * socket on a free port), configured through its admin API like an operator would.
 */
import { startHttpFixture } from '@switchboard/core/upstream/test-upstreams';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../../apps/gateway/src/config.ts';
import { type RunningGateway, startGateway } from '../../apps/gateway/src/server.ts';

export const ADMIN_TOKEN = 'e2e-admin-token-'.padEnd(48, 'x');

export interface ApiResponse {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests assert on arbitrary response shapes
  body: any;
}

export interface E2eGateway {
  url: string;
  running: RunningGateway;
  /** A scratch directory removed on stop (memory files, start logs…). */
  tmp: string;
  mcpUrl(serverId: string): string;
  sseUrl(serverId: string): string;
  /** The admin API with the bootstrap admin token. */
  api(method: string, path: string, body?: unknown): Promise<ApiResponse>;
  /** POST /api/v1/import; throws unless it was applied. */
  importConfig(doc: unknown): Promise<void>;
  /** The gateway's request log lines, when started with `logRequests` (else none). */
  requestLines: RequestLine[];
  stop(): Promise<void>;
}

/** A `request` line of the gateway's log (http/request-log.ts). */
export interface RequestLine {
  requestId: string;
  method: string;
  path: string;
  status: number;
  lane?: string;
}

export interface E2eOptions {
  /** Keep the gateway's request log lines in `requestLines` (its log is silent otherwise). */
  logRequests?: boolean;
}


export async function startE2eGateway(env: Record<string, string> = {}, options: E2eOptions = {}): Promise<E2eGateway> {
  const tmp = await mkdtemp(join(tmpdir(), 'switchboard-e2e-'));
  const requestLines: RequestLine[] = [];
  const keepRequestLine = (line: string) => {
    const entry = JSON.parse(line) as RequestLine & { msg?: string };
    if (entry.msg === 'request') requestLines.push(entry);
  };
  const logger = options.logRequests ? pino({ level: 'info' }, { write: keepRequestLine }) : pino({ level: 'silent' });
  let running: RunningGateway;
  try {
    const port = await freePort();
    const config = loadConfig({
      PORT: String(port),
      SWITCHBOARD_PUBLIC_URL: `http://127.0.0.1:${port}`,
      SWITCHBOARD_DATA_DIR: join(tmp, 'data'),
      SWITCHBOARD_ADMIN_TOKEN: ADMIN_TOKEN,
      SWITCHBOARD_CONSOLE_DIR: '/nonexistent',
      SWITCHBOARD_SHUTDOWN_TIMEOUT_MS: '2000',
      ...env,
    });
    running = await startGateway(config, logger, {});
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    throw error;
  }
  const url = running.url;
  const api = async (method: string, path: string, body?: unknown): Promise<ApiResponse> => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  return {
    url,
    running,
    tmp,
    mcpUrl: (id) => `${url}/servers/${id}/mcp`,
    sseUrl: (id) => `${url}/servers/${id}/sse`,
    api,
    requestLines,
    async importConfig(doc) {
      const res = await api('POST', '/api/v1/import', doc);
      if (res.status !== 200) throw new Error(`import failed: ${res.status} ${JSON.stringify(res.body)}`);
    },
    async stop() {
      try {
        await running.stop();
      } finally {
        await rm(tmp, { recursive: true, force: true });
      }
    },
  };
}

/** Runs every cleanup even if some fail, last registered first; rethrows the first failure. */
export class Cleanup {
  private readonly steps: Array<() => Promise<unknown> | unknown> = [];

  add(step: () => Promise<unknown> | unknown) {
    this.steps.push(step);
  }

  async run() {
    const errors: unknown[] = [];
    for (const step of this.steps.splice(0).reverse()) {
      try {
        await step();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length) throw errors[0];
  }
}

/**
 * A gateway (started with `env`) whose virtual server `serverId` (auth none, everything
 * allowed) federates `upstreams` (`mcpServers` entries). Stopped by `cleanup`.
 */
export async function openGateway(
  cleanup: Cleanup,
  serverId: string,
  upstreams: Record<string, Record<string, unknown>>,
  env: Record<string, string> = {},
  options: E2eOptions = {},
): Promise<E2eGateway> {
  const gw = await startE2eGateway(env, options);
  cleanup.add(() => gw.stop());
  await gw.importConfig({
    mcpServers: upstreams,
    virtualServers: { open: { id: serverId, upstreams: Object.keys(upstreams), auth: 'none', defaultAccess: 'allow' } },
  });
  return gw;
}

/** openGateway over one upstream, `fx`: the conformance fixture over Streamable HTTP (also stopped by `cleanup`). */
export async function gatewayOverHttpFixture(cleanup: Cleanup, serverId: string, options: E2eOptions = {}): Promise<E2eGateway> {
  const fx = await startHttpFixture();
  cleanup.add(() => fx.stop());
  return openGateway(cleanup, serverId, { fx: { type: 'http', url: fx.url } }, {}, options);
}

/** A loopback port nothing listens on (where a server will listen: the gateway's OAuth issuer, the OpenID provider's issuer). */
export { freePort };
