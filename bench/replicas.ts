/**
 * Capacity of the gateway as replicas behind HAProxy on one Postgres (issue 17's figures).
 *   node --import tsx bench/replicas.ts [--replicas 1,2,3] [--sessions 64,512] [--duration 10]
 *   node --import tsx bench/replicas.ts --hold [--hold-sessions 1000] [--hold-minutes 10]
 * Per replica count: a fresh stack (replica-stack.ts: throwaway Postgres, the gateways,
 * HAProxy with docker/haproxy.cfg, the echo upstream), then for each session count the
 * echo `tools/call` load of bench/load.ts through HAProxy, with the CPU of every process
 * and Postgres's load measured over the measured phase. `--hold` holds sessions instead
 * and samples memory. See bench/README.md ("Replicas"). Every process is stopped on
 * exit, Ctrl-C or failure (children.ts sweeps what a crash leaves).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startNodeFlags } from '../apps/gateway/src/testing/start-flags.ts';
import { killAllChildren, ROOT } from './children.ts';
import { type LoadResult, runLoad } from './load.ts';
import { cpuMicros, treeCpuMicros } from './proc-stats.ts';
import { runHold } from './replica-hold.ts';
import { type CapacityRow, capacityTable, growthLines, memoryGrowth, memoryTable } from './replica-report.ts';
import { startStack, type Stack } from './replica-stack.ts';
import { type DbCounters, PgProbe, rates } from './replica-stats.ts';
import type { GatewayProfile } from './targets.ts';

const { values } = parseArgs({
  options: {
    replicas: { type: 'string', default: '1,2,3' },
    sessions: { type: 'string', default: '64,512' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    'max-calls': { type: 'string', default: '2000000' },
    'gateway-profile': { type: 'string', default: 'full' },
    'upstream-protocol': { type: 'string', default: 'auto' },
    'gateway-node-flags': { type: 'string' },
    'echo-workers': { type: 'string', default: 'replicas' },
    hold: { type: 'boolean', default: false },
    'hold-sessions': { type: 'string', default: '1000' },
    'hold-minutes': { type: 'string', default: '10' },
    'hold-replicas': { type: 'string', default: '3' },
    'call-interval': { type: 'string', default: '30' },
    'sample-interval': { type: 'string', default: '30' },
    'no-streams': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
  strict: true,
});

function fail(text: string): never {
  console.error(text);
  process.exit(2);
}
if (values.help) {
  console.log(`capacity: --replicas 1,2,3 --sessions 64,512 --duration S --warmup S --max-calls N
          --gateway-profile full|bare --upstream-protocol auto|legacy --gateway-node-flags="…"
          --echo-workers N|replicas (processes of the echo upstream; default: one per replica)
hold:     --hold --hold-sessions 1000 --hold-minutes 10 --hold-replicas 3 --call-interval 30
          --sample-interval 30 --no-streams`);
  process.exit(0);
}
const list = (text: string) => text.split(',').map(Number);
const replicaCounts = list(values.replicas);
const sessionCounts = list(values.sessions);
const durationS = Number(values.duration);
const warmupS = Number(values.warmup);
const maxCalls = Number(values['max-calls']);
const holdSessions = Number(values['hold-sessions']);
const holdMinutes = Number(values['hold-minutes']);
const holdReplicas = Number(values['hold-replicas']);
const callIntervalS = Number(values['call-interval']);
const sampleIntervalS = Number(values['sample-interval']);
if (replicaCounts.some((n) => ![1, 2, 3].includes(n)) || !(holdReplicas >= 1 && holdReplicas <= 3)) fail('--replicas / --hold-replicas: 1, 2 or 3 (docker/haproxy.cfg names three)');
if (sessionCounts.some((n) => !Number.isInteger(n) || n < 1 || n > 2048)) fail('--sessions: integers in 1..2048');
if (!(durationS > 0 && durationS <= 600) || !(warmupS >= 0 && warmupS <= 60) || !(maxCalls >= 1)) fail('--duration in (0, 600], --warmup in [0, 60], --max-calls ≥ 1');
if (!(Number.isInteger(holdSessions) && holdSessions >= 1 && holdSessions <= 5000)) fail('--hold-sessions: 1..5000');
if (!(holdMinutes > 0 && holdMinutes <= 120)) fail('--hold-minutes in (0, 120]');
if (!(callIntervalS >= 1 && callIntervalS <= 600) || !(sampleIntervalS >= 1 && sampleIntervalS <= 600)) fail('--call-interval, --sample-interval: 1..600 s');
if (!['bare', 'full'].includes(values['gateway-profile'])) fail('--gateway-profile bare|full');
if (!['auto', 'legacy'].includes(values['upstream-protocol'])) fail('--upstream-protocol auto|legacy');
const echoWorkers = values['echo-workers'] === 'replicas' ? undefined : Number(values['echo-workers']);
if (echoWorkers !== undefined && !(Number.isInteger(echoWorkers) && echoWorkers >= 1 && echoWorkers <= 16)) fail('--echo-workers: 1..16 or `replicas`');
if (values['upstream-protocol'] === 'legacy' && echoWorkers !== 1) fail('--upstream-protocol legacy pins 2025-era upstream sessions, which live in one echo process: add --echo-workers 1');

const CALL_TIMEOUT_MS = 10_000;
const stackOptions = {
  node: process.execPath,
  gatewayProfile: values['gateway-profile'] as GatewayProfile,
  upstreamProtocol: values['upstream-protocol'] as 'auto' | 'legacy',
  gatewayNodeFlags: values['gateway-node-flags']?.split(' ').filter(Boolean) ?? startNodeFlags(),
  maxSessionsPerCaller: Math.max(...sessionCounts, holdSessions) + 100,
};

// Every process must go, whatever ends the run: the stack in the order it stops cleanly,
// then the synchronous sweep of children.ts (also on exit, and by its reaper on SIGKILL).
let current: Stack | undefined;
process.on('exit', killAllChildren);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping gateways, HAProxy, Postgres`);
    const stopping = current?.stop() ?? Promise.resolve();
    void Promise.race([stopping, new Promise((r) => setTimeout(r, 20_000))]).finally(() => process.exit(130));
  });
}
const stackBoundS = 240;
const boundS = values.hold
  ? stackBoundS + holdMinutes * 60 + holdSessions / 5 + 120
  : replicaCounts.length * (stackBoundS + sessionCounts.length * (120 + warmupS + durationS + (2 * CALL_TIMEOUT_MS) / 1000));
const watchdog = setTimeout(() => {
  console.error('watchdog: the run exceeded its time bound; stopping');
  killAllChildren();
  process.exit(3);
}, boundS * 1000);
watchdog.unref();

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** CPU of every process of the stack now, µs (Postgres: the postmaster and all its backends). */
function cpuNow(stack: Stack) {
  const haproxy = stack.ha.haproxyPid();
  const postgres = stack.ha.pg.pid();
  return {
    gateways: Object.fromEntries(stack.gateways().map((g) => [g.name, cpuMicros(g.pid)])),
    postgres: postgres === undefined ? undefined : treeCpuMicros(postgres),
    haproxy: haproxy === undefined ? undefined : cpuMicros(haproxy),
    echo: treeCpuMicros(stack.echo.pid),
  };
}

async function measure(stack: Stack, probe: PgProbe, replicas: number, sessions: number): Promise<CapacityRow> {
  const base = { url: stack.mcpUrl, tool: stack.tool, headers: stack.headers, era: 'legacy', client: 'lean', callTimeoutMs: CALL_TIMEOUT_MS } as const;
  const prime = await runLoad({ ...base, sessions: 1, durationMs: 500, warmupMs: 0, maxCalls: 300 });
  if (prime.calls === 0) throw new Error(`priming: ${prime.firstError ?? 'no call succeeded'}`);
  const loadBefore = loadavg()[0]!;
  let cpuBefore: ReturnType<typeof cpuNow> | undefined;
  let cpuAfter: ReturnType<typeof cpuNow> | undefined;
  let dbBefore: Promise<DbCounters> | undefined;
  let dbAfter: Promise<DbCounters> | undefined;
  let connections: Promise<Record<string, number>> | undefined;
  const load: LoadResult = await runLoad(
    { ...base, sessions, durationMs: durationS * 1000, warmupMs: warmupS * 1000, maxCalls },
    {
      // The hooks are synchronous: /proc is read at once, the database queries are started.
      onMeasureStart: () => {
        cpuBefore = cpuNow(stack);
        dbBefore = probe.counters();
      },
      onMeasureEnd: () => {
        cpuAfter = cpuNow(stack);
        dbAfter = probe.counters();
        connections = probe.connections();
      },
    },
  );
  if (load.calls === 0) throw new Error(`no call succeeded: ${load.firstError ?? 'unknown error'}`);
  if (!cpuBefore || !cpuAfter || !dbBefore || !dbAfter || !connections) throw new Error('the measured phase did not run');
  const per1k = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? undefined : (b - a) / 1e6 / (load.calls / 1000));
  const [before, after] = [cpuBefore, cpuAfter];
  const gateways = Object.fromEntries(Object.keys(after.gateways).map((name) => [name, per1k(before.gateways[name], after.gateways[name]) ?? Number.NaN]));
  return {
    replicas,
    sessions,
    ok: true,
    load,
    cpuSPer1k: {
      gateways,
      postgres: per1k(before.postgres, after.postgres),
      haproxy: per1k(before.haproxy, after.haproxy),
      echo: per1k(before.echo, after.echo),
      loadGenerator: load.clientCpuUsPerCall / 1000,
    },
    db: { ...rates(await dbBefore, await dbAfter), connections: await connections },
    loadAverage: { before: loadBefore, after: loadavg()[0]! },
  };
}

/** Starts a stack, runs `fn` on it with a Postgres probe, and always stops both. */
async function withStack<T>(replicas: number, fn: (stack: Stack, probe: PgProbe) => Promise<T>): Promise<T> {
  process.stderr.write(`  starting ${replicas} replica(s), HAProxy, Postgres … `);
  const stack = await startStack({ ...stackOptions, replicas, echoWorkers: echoWorkers ?? replicas });
  current = stack;
  console.error('up');
  const probe = new PgProbe(stack.ha.pg.url);
  try {
    await probe.start();
    return await fn(stack, probe);
  } finally {
    await probe.close().catch(() => {});
    await stack.stop();
    current = undefined;
  }
}

function save(kind: string, data: unknown): void {
  const dir = join(ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `replicas-${kind}-${new Date().toISOString().replaceAll(':', '-')}.json`);
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
  console.error(`results: ${file}`);
}

async function capacity() {
  const loadBefore = loadavg()[0]!;
  console.error(
    `bench replicas: node ${process.version}, profile ${stackOptions.gatewayProfile}, ${durationS}s (+${warmupS}s warm-up) per run, ` +
      `replicas ${replicaCounts.join(',')}, sessions ${sessionCounts.join(',')}, load average ${loadBefore.toFixed(2)}`,
  );
  const rows: CapacityRow[] = [];
  for (const replicas of replicaCounts) {
    try {
      await withStack(replicas, async (stack, probe) => {
        for (const sessions of sessionCounts) {
          process.stderr.write(`  ${replicas} replica(s) × ${sessions} sessions … `);
          let row: CapacityRow;
          try {
            row = await measure(stack, probe, replicas, sessions);
          } catch (error) {
            row = { replicas, sessions, ok: false, error: errorText(error) };
          }
          rows.push(row);
          console.error(row.ok ? `${row.load.callsPerS.toFixed(0)} calls/s, ${row.load.errors} failed` : `FAILED\n    ${row.error.replaceAll('\n', '\n    ')}`);
        }
      });
    } catch (error) {
      console.error(`FAILED\n    ${errorText(error).replaceAll('\n', '\n    ')}`);
      for (const sessions of sessionCounts) rows.push({ replicas, sessions, ok: false, error: `stack: ${errorText(error)}` });
    }
  }
  console.log(`\n${capacityTable(rows)}\n`);
  const meta = { nodeVersion: process.version, echoWorkers: values['echo-workers'], durationS, warmupS, maxCalls, ...stackOptions, replicaCounts, sessionCounts, loadAverage: { before: loadBefore, after: loadavg()[0] } };
  save('capacity', { meta, rows });
}

async function hold() {
  const loadBefore = loadavg()[0]!;
  console.error(
    `bench replicas --hold: ${holdSessions} sessions on ${holdReplicas} replica(s) for ${holdMinutes} min, a call every ${callIntervalS} s per session, ` +
      `memory sampled every ${sampleIntervalS} s, GET streams ${values['no-streams'] ? 'off' : 'on'}, load average ${loadBefore.toFixed(2)}`,
  );
  const result = await withStack(holdReplicas, (stack) =>
    runHold(stack, {
      sessions: holdSessions,
      durationS: holdMinutes * 60,
      callIntervalS,
      sampleIntervalS,
      streams: !values['no-streams'],
      callTimeoutMs: CALL_TIMEOUT_MS,
      onSample: (s) =>
        console.error(
          `  t=${s.t.toFixed(0)}s ${Object.entries(s.gateways)
            .map(([n, g]) => `${n} ${g.rssMb?.toFixed(1)}/${g.heapUsedMb?.toFixed(1)} MB`)
            .join(', ')} calls ${s.callsOk} ok ${s.callsFailed} failed, streams ${s.streams}`,
        ),
    }),
  );
  const growth = memoryGrowth(result.samples);
  const cpu = Object.entries(result.gatewayCpuS)
    .map(([n, s]) => `${n} ${s.toFixed(1)} s`)
    .join(', ');
  console.log(
    `\n${result.opened}/${holdSessions} sessions opened in ${result.openS.toFixed(1)} s; ${result.callsOk} calls ok, ${result.callsFailed} failed` +
      `${result.firstError ? ` (first: ${result.firstError})` : ''}; GET streams ended early: ${result.streamEnds}; gateway CPU over the hold: ${cpu}\n\n` +
      `${memoryTable(result.samples)}\n\nGrowth, first to last sample, and trend (RSS and V8 heap in use):\n${growthLines(growth)}\n`,
  );
  const meta = { nodeVersion: process.version, echoWorkers: values['echo-workers'], holdSessions, holdMinutes, holdReplicas, callIntervalS, sampleIntervalS, streams: !values['no-streams'], ...stackOptions, loadAverage: { before: loadBefore, after: loadavg()[0] } };
  save('hold', { meta, ...result, growth });
}

(values.hold ? hold() : capacity())
  .catch((error) => {
    console.error(errorText(error));
    process.exitCode = 1;
  })
  .finally(() => {
    killAllChildren();
    clearTimeout(watchdog);
  });
