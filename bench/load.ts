/**
 * Load generator: N concurrent MCP sessions, each looping `tools/call` back to back
 * for a fixed time (and never more than a fixed total count), recording latencies.
 *   node --import tsx bench/load.ts --url http://127.0.0.1:PORT/mcp --sessions 8 --duration 5
 * Two interchangeable clients speak the same protocol: `sdk` (the official v2
 * Client + StreamableHTTPClientTransport) and `lean` (raw JSON-RPC over keep-alive
 * node:http). On a 2-core machine the generator shares the CPU with the process
 * under test, so the cheaper `lean` client is the default; see README.md.
 */
import { Agent } from 'node:http';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { openLeanSession, openSdkSession, type Session } from './load-clients.ts';

export type Era = 'legacy' | 'modern';
export type ClientKind = 'lean' | 'sdk';

export interface LoadOptions {
  url: string;
  tool: string;
  sessions: number;
  durationMs: number;
  /** Untimed calls before measuring, so JIT and connection pools are warm in every target alike. */
  warmupMs: number;
  /** Hard cap on calls per phase, so a pathologically fast target still stops. */
  maxCalls: number;
  callTimeoutMs: number;
  /** Per session; generous because a stateful supergateway spawns a process per session. */
  openTimeoutMs?: number;
  era: Era;
  client: ClientKind;
  /** Extra request headers (e.g. a bearer token once the gateway runs with auth on). */
  headers?: Record<string, string>;
}

export interface LoadHooks {
  onMeasureStart?(): void;
  /** Called while every session is still open (RSS "with N sessions open"). */
  onMeasureEnd?(): void;
}

export interface LoadResult {
  sessions: number;
  opened: number;
  openMs: number;
  calls: number;
  errors: number;
  elapsedS: number;
  callsPerS: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  /** CPU of the load generator itself, to tell a saturated client from a slow target. */
  clientCpuUsPerCall: number;
  firstError?: string;
}

const withTimeout = <T>(promise: Promise<T>, ms: number, what: string) => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timeout after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
};

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

interface Tally {
  issued: number;
  errors: number;
  latencies?: number[];
  firstError?: string;
}

/** Every session calls back to back until the deadline or the shared count cap. */
async function drive(sessions: Session[], deadline: number, maxCalls: number, tally: Tally): Promise<void> {
  await Promise.all(
    sessions.map(async (session, s) => {
      let failedInARow = 0;
      for (let n = 0; performance.now() < deadline && tally.issued < maxCalls; n++) {
        tally.issued++;
        const started = performance.now();
        try {
          await session.call(`s${s}-${n}`);
          tally.latencies?.push(performance.now() - started);
          failedInARow = 0;
        } catch (error) {
          tally.errors++;
          tally.firstError ??= message(error);
          // A session that only fails (e.g. its upstream died) stops instead of spinning.
          if (++failedInARow >= 50) return;
        }
      }
    }),
  );
}

const percentile = (sorted: Float64Array, p: number) =>
  sorted.length ? (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0) : 0;

export async function runLoad(o: LoadOptions, hooks: LoadHooks = {}): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true });
  const open = () => (o.client === 'sdk' ? openSdkSession(o) : openLeanSession(o, agent));
  const openStarted = performance.now();
  const settled = await Promise.allSettled(
    Array.from({ length: o.sessions }, () => withTimeout(open(), (o.openTimeoutMs ?? 60_000) + 1000, 'open session')),
  );
  const openMs = performance.now() - openStarted;
  const sessions = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const openFailure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  try {
    if (sessions.length === 0) throw new Error(`no session could be opened: ${message(openFailure?.reason)}`);
    await drive(sessions, performance.now() + o.warmupMs, o.maxCalls, { issued: 0, errors: 0 });
    const tally: Tally = { issued: 0, errors: o.sessions - sessions.length, latencies: [] };
    if (openFailure) tally.firstError = `open: ${message(openFailure.reason)}`;
    hooks.onMeasureStart?.();
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    await drive(sessions, started + o.durationMs, o.maxCalls, tally);
    const elapsedS = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    hooks.onMeasureEnd?.();
    const sorted = Float64Array.from(tally.latencies ?? []).sort();
    const calls = sorted.length;
    return {
      sessions: o.sessions,
      opened: sessions.length,
      openMs,
      calls,
      errors: tally.errors,
      elapsedS,
      callsPerS: calls / elapsedS,
      p50Ms: percentile(sorted, 50),
      p99Ms: percentile(sorted, 99),
      meanMs: calls ? sorted.reduce((a, b) => a + b, 0) / calls : 0,
      clientCpuUsPerCall: calls ? (cpu.user + cpu.system) / calls : 0,
      firstError: tally.firstError,
    };
  } finally {
    await Promise.allSettled(sessions.map((s) => withTimeout(s.close(), 5000, 'close session')));
    agent.destroy();
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      tool: { type: 'string', default: 'echo' },
      sessions: { type: 'string', default: '8' },
      duration: { type: 'string', default: '5' },
      warmup: { type: 'string', default: '1' },
      'max-calls': { type: 'string', default: '2000000' },
      client: { type: 'string', default: 'lean' },
      era: { type: 'string', default: 'legacy' },
    },
    strict: true,
  });
  if (!values.url) throw new Error('--url is required');
  const result = await runLoad({
    url: values.url,
    tool: values.tool,
    sessions: Number(values.sessions),
    durationMs: Number(values.duration) * 1000,
    warmupMs: Number(values.warmup) * 1000,
    maxCalls: Number(values['max-calls']),
    callTimeoutMs: 10_000,
    era: values.era === 'modern' ? 'modern' : 'legacy',
    client: values.client === 'sdk' ? 'sdk' : 'lean',
  });
  console.log(JSON.stringify(result, null, 2));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    console.error(message(error));
    process.exit(1);
  });
}
