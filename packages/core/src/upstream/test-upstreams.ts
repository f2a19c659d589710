/**
 * Real upstream MCP servers for the tests beside this file: the conformance fixture
 * (stdio and HTTP), the misbehaving fixture, and the npm reference servers. Every
 * process a test starts must be stopped in its afterAll.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingHttpHeaders, request as httpRequest } from 'node:http';
import { type AddressInfo, createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { UpstreamSpec } from './types.ts';

export const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const FIXTURES = `${ROOT}e2e/fixtures/`;

type StdioSpec = Extract<UpstreamSpec, { transport: 'stdio' }>;
type HttpSpec = Extract<UpstreamSpec, { transport: 'sse' | 'streamable-http' }>;

const base = { enabled: true, connectAtBoot: false, timeoutMs: 30_000, protocol: 'auto' as const };

export function stdioSpec(id: string, args: string[], extra: Partial<StdioSpec> = {}): StdioSpec {
  return { ...base, id, name: id, transport: 'stdio', command: process.execPath, args, env: {}, cwd: ROOT, ...extra };
}

export function httpSpec(id: string, url: string, extra: Partial<HttpSpec> = {}): HttpSpec {
  return { ...base, id, name: id, transport: 'streamable-http', url, headers: {}, ...extra };
}

const tsx = (file: string) => ['--import', 'tsx', `${FIXTURES}${file}`];
export const fixtureStdio = (id = 'fixture', extra: Partial<StdioSpec> = {}) =>
  stdioSpec(id, tsx('conformance-server/stdio.ts'), extra);
export const misbehaving = (id = 'misbehaving', extra: Partial<StdioSpec> = {}) =>
  stdioSpec(id, tsx('misbehaving-server.ts'), extra);
/** Its `env` tool answers `{ value: process.env[name], pid }` (per-person credentials: whose process is this?). */
export const envEcho = (id = 'env-echo', extra: Partial<StdioSpec> = {}) => stdioSpec(id, tsx('env-echo-server.ts'), extra);

/** The bin script of an installed npm server, run with this Node (no npx download at test time). */
export function npmServerBin(name: string): string {
  const dir = `${ROOT}node_modules/${name}/`;
  const pkg = JSON.parse(readFileSync(`${dir}package.json`, 'utf8')) as { bin: string | Record<string, string> };
  const bin = typeof pkg.bin === 'string' ? pkg.bin : Object.values(pkg.bin)[0]!;
  return `${dir}${bin}`;
}
export const everything = (id = 'everything', extra: Partial<StdioSpec> = {}) =>
  stdioSpec(id, [npmServerBin('@modelcontextprotocol/server-everything')], extra);
export const memory = (id: string, memoryFile: string) =>
  stdioSpec(id, [npmServerBin('@modelcontextprotocol/server-memory')], { env: { MEMORY_FILE_PATH: memoryFile } });

export interface Served {
  url: string;
  stop(): Promise<void>;
}

/** Starts a child and waits for a line matching `ready` on stdout or stderr. */
async function serve(args: string[], ready: RegExp, env: Record<string, string> = {}): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk;
      const found = ready.exec(output);
      if (found) {
        clearTimeout(timer);
        resolve(found);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', () => reject(new Error(`server exited: ${output}`)));
  });
  return { child, match };
}

const stopper = (child: ChildProcess) => async () => {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await Promise.race([once(child, 'exit'), sleep(5000).then(() => child.kill('SIGKILL'))]);
};

/** The conformance fixture over Streamable HTTP; pass the port of a stopped one to "restart" it. */
export async function startHttpFixture(port = 0): Promise<Served> {
  const { child, match } = await serve([...tsx('conformance-server/http.ts'), '--port', String(port)], /^listening (\S+)$/m);
  return { url: match[1]!, stop: stopper(child) };
}

export interface RecordedRequest {
  method: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body of a POST (undefined for GET/DELETE). */
  body?: { id?: unknown; method?: string; params?: Record<string, unknown> };
}

/**
 * A pass-through HTTP proxy in front of a real upstream that records what the gateway
 * sends (method, headers, JSON body), so tests can assert the wire: ids, session header,
 * cancellations. Responses stream back untouched.
 */
export async function startRecordingProxy(target: string): Promise<Served & { seen: RecordedRequest[] }> {
  const upstream = new URL(target);
  const seen: RecordedRequest[] = [];
  const server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      seen.push({ method: req.method ?? '', headers: req.headers, body: raw.length ? JSON.parse(raw.toString('utf8')) : undefined });
      const out = httpRequest(upstream, { method: req.method, headers: { ...req.headers, host: upstream.host } }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      out.on('error', () => res.destroy());
      res.on('close', () => out.destroy());
      out.end(raw);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${upstream.pathname}`,
    seen,
    stop: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** server-everything's legacy HTTP+SSE transport (it reads PORT from the environment). */
export async function startEverythingSse(): Promise<Served> {
  const port = await freePort();
  const { child } = await serve([npmServerBin('@modelcontextprotocol/server-everything'), 'sse'], /running on port/, {
    PORT: String(port),
  });
  return { url: `http://127.0.0.1:${port}/sse`, stop: stopper(child) };
}

/** server-everything over Streamable HTTP (`/mcp`, 2025-era sessions); pass the port of a stopped one to "restart" it. */
export async function startEverythingHttp(port?: number): Promise<Served> {
  const listenOn = port ?? (await freePort());
  const { child } = await serve([npmServerBin('@modelcontextprotocol/server-everything'), 'streamableHttp'], /listening on port/, {
    PORT: String(listenOn),
  });
  return { url: `http://127.0.0.1:${listenOn}/mcp`, stop: stopper(child) };
}

/** A loopback port nothing listens on (free for a server to take, refused to a client). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it holds: a condition, never a fixed sleep, so a loaded machine only makes it slower. */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

export const textOf = (result: Record<string, unknown>) =>
  ((result.content as Array<{ type: string; text?: string }> | undefined) ?? []).map((c) => c.text ?? `[${c.type}]`).join(' ');

export const callTool = (name: string, args: Record<string, unknown> = {}) => ({ name, arguments: args });
