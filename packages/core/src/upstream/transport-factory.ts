/**
 * Builds the SDK client transport for an upstream spec. Pure construction: nothing is
 * spawned or fetched until the `Client` starts the transport.
 */
import { SSEClientTransport, StreamableHTTPClientTransport, type Transport } from '@modelcontextprotocol/client';
import { fetchWithCallHeaders } from './call-headers.ts';
import { nodeFetch } from './node-fetch.ts';
import { DEFAULT_INHERITED_ENV_VARS, StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import type { OversizedLine } from './line-framer.ts';
import { StdioReader } from './stdio-reader.ts';
import type { UpstreamSpec } from './types.ts';

/**
 * Variables a stdio upstream inherits from the gateway. Deliberately short: the gateway's
 * environment holds its own secrets (database URL, encryption keys, admin token), and an
 * upstream is third-party code. Anything else it needs goes in `spec.env`.
 */
export const SAFE_ENV_KEYS: readonly string[] = [
  ...DEFAULT_INHERITED_ENV_VARS,
  'LANG',
  'LC_ALL',
  'LC_CTYPE',
  'TZ',
  'TMPDIR',
];

/** Picks {@link SAFE_ENV_KEYS} from `source` (the composition root passes `process.env`). */
export function safeBaseEnv(source: Record<string, string | undefined>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of SAFE_ENV_KEYS) {
    const value = source[key];
    // `()`-prefixed values are exported shell functions (the Shellshock vector)
    if (value !== undefined && !value.startsWith('()')) env[key] = value;
  }
  return env;
}

export interface TransportFactoryOptions {
  /**
   * Base environment for stdio upstreams, under `spec.env`: the composition root passes
   * `safeBaseEnv` of the gateway's environment. Absent, only the SDK's short default list.
   */
  baseEnv?: Record<string, string>;
  /** How many stderr lines of a stdio upstream to keep for error messages. Default 20. */
  stderrLines?: number;
  /** Every complete stderr line, e.g. for debug logging. */
  onStderrLine?: (line: string) => void;
  /** A stdio message over `spec.maxMessageBytes` was skipped (stdio-reader.ts). */
  onOversized?: (line: OversizedLine) => void;
}

export interface UpstreamTransport {
  transport: Transport;
  /** The last lines a stdio upstream wrote to stderr ('' for HTTP). */
  stderrTail(): string;
  /** What reads a stdio upstream's stdout (absent for HTTP). */
  reader?: StdioReader;
}

/**
 * Under load many sessions send to one shared stdio upstream in the same event-loop turn;
 * the SDK writes each message separately (one syscall and one wake-up of the child each).
 * Corking the child's stdin until the turn ends sends them in one writev. Messages are
 * never delayed past the current turn.
 */
function coalesceWrites(transport: StdioClientTransport) {
  const send = transport.send.bind(transport);
  let corked = false;
  transport.send = (message) => {
    // The SDK keeps the child process private; without it we simply do not coalesce.
    const stdin = (transport as unknown as { _process?: { stdin?: NodeJS.WritableStream & { cork(): void; uncork(): void } } })._process?.stdin;
    if (stdin && !corked) {
      corked = true;
      stdin.cork();
      setImmediate(() => {
        corked = false;
        stdin.uncork();
      });
    }
    return send(message);
  };
}

export function createUpstreamTransport(spec: UpstreamSpec, options: TransportFactoryOptions = {}): UpstreamTransport {
  if (spec.transport === 'stdio') {
    const transport = new StdioClientTransport({
      command: spec.command,
      args: spec.args,
      // (the SDK also lays its own short default list under this; it never passes process.env whole)
      env: { ...options.baseEnv, ...spec.env },
      cwd: spec.cwd ?? undefined,
      // piped, not inherited: the gateway's own stderr is for the gateway's logs
      stderr: 'pipe',
    });
    const tail = createLineTail(options.stderrLines ?? 20, options.onStderrLine);
    // always drain the pipe: an unread stderr would eventually block the child on write
    transport.stderr?.on('data', (chunk: Buffer | string) => tail.push(String(chunk)));
    coalesceWrites(transport);
    const reader = new StdioReader(transport, {
      upstreamName: spec.name,
      maxMessageBytes: spec.maxMessageBytes ?? undefined,
      onOversized: options.onOversized,
    });
    return { transport, stderrTail: tail.text, reader };
  }
  const init: RequestInit = { headers: httpHeaders(spec.headers, spec.bearerToken) };
  const url = new URL(spec.url);
  const transport =
    spec.transport === 'sse'
      ? new SSEClientTransport(url, { requestInit: init, fetch: fetchWithCallHeaders(fetch) })
      : new StreamableHTTPClientTransport(url, { requestInit: init, fetch: fetchWithCallHeaders(nodeFetch) });
  return { transport, stderrTail: () => '' };
}

/** The configured headers of an HTTP upstream, its bearer token as `Authorization`. */
export function httpHeaders(headers: Record<string, string>, bearerToken?: string | null): Record<string, string> {
  if (!bearerToken) return { ...headers };
  // drop any spelling of Authorization first: a plain object can hold `authorization`
  // and `Authorization` at once, and fetch would join them into one invalid value
  const rest = Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'authorization'));
  return { ...rest, Authorization: `Bearer ${bearerToken}` };
}

const MAX_LINE = 1000;

/** A ring of the last `max` lines of a byte stream (long lines truncated). */
export function createLineTail(max: number, onLine?: (line: string) => void) {
  const lines: string[] = [];
  let partial = '';
  const add = (line: string) => {
    const trimmed = line.replace(/\r$/, '').slice(0, MAX_LINE);
    if (trimmed.trim() === '') return;
    lines.push(trimmed);
    if (lines.length > max) lines.shift();
    onLine?.(trimmed);
  };
  return {
    push(chunk: string) {
      const parts = (partial + chunk).split('\n');
      partial = (parts.pop() ?? '').slice(0, MAX_LINE);
      for (const part of parts) add(part);
    },
    text(): string {
      return [...lines, ...(partial.trim() ? [partial] : [])].join('\n');
    },
  };
}
