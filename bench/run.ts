/**
 * Benchmark: the same echo `tools/call` load through every path, at several session
 * counts, in one run; prints a markdown table and writes bench/results/<timestamp>.json.
 *   node --import tsx bench/run.ts [--duration 5] [--targets direct-http,mcp-proxy] [--sessions 1,8,64]
 * Each (target, session count) pair gets a freshly started target, a short primed
 * session (so the timed open is not a cold start), a warm-up, then the measured phase.
 * Everything is bounded: every wait has a timeout, every loop a deadline and a count cap,
 * and a global watchdog ends the run if the sum of those bounds is ever exceeded.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type ClientKind, type Era, type LoadResult, runLoad } from './load.ts';
import { cpuMicros, RssSampler } from './proc-stats.ts';
import { startOtlpSink } from './otlp-sink.ts';
import { checklist, markdownTable, type Row } from './report.ts';
import { startNodeFlags } from '../apps/gateway/src/testing/start-flags.ts';
import { type GatewayProfile, killAllChildren, ROOT, TARGET_NAMES, TARGETS, type TargetContext, type TargetName } from './targets.ts';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '1' },
    targets: { type: 'string', default: TARGET_NAMES.join(',') },
    sessions: { type: 'string', default: '1,8,64' },
    client: { type: 'string', default: 'lean' },
    era: { type: 'string', default: 'legacy' },
    'gateway-profile': { type: 'string', default: 'full' },
    'upstream-protocol': { type: 'string', default: 'auto' },
    'max-calls': { type: 'string', default: '1000000' },
    'database-url': { type: 'string' },
    'gateway-node-flags': { type: 'string' },
    metrics: { type: 'string', default: 'on' },
    'limit-rule': { type: 'boolean', default: false },
    'otlp-sink': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
  strict: true,
});

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

if (values.help) {
  console.log(`options: --duration S --warmup S --targets ${TARGET_NAMES.join(',')} --sessions 1,8,64
         --client lean|sdk --era legacy|modern --gateway-profile bare|full --max-calls N
         --upstream-protocol auto|legacy (gateway-http's echo upstream: its 'protocol' setting)
         --database-url postgres://… --gateway-node-flags="--flag …" ("" = V8 defaults)
         --metrics on|off (the gateway's SWITCHBOARD_METRICS)
         --limit-rule (full profile: a rate limit on every call that never trips)
         --otlp-sink (trace export on, to a stand-in collector in this process)`);
  process.exit(0);
}
const durationS = Number(values.duration);
const warmupS = Number(values.warmup);
const maxCalls = Number(values['max-calls']);
if (!(durationS > 0 && durationS <= 600) || !(warmupS >= 0 && warmupS <= 60)) fail('--duration must be in (0, 600], --warmup in [0, 60]');
if (!(maxCalls >= 1)) fail('--max-calls must be ≥ 1');
const targets = values.targets.split(',').map((t) => t.trim()) as TargetName[];
for (const t of targets) if (!TARGET_NAMES.includes(t)) fail(`unknown target ${t}; known: ${TARGET_NAMES.join(', ')}`);
const sessionCounts = values.sessions.split(',').map(Number);
if (sessionCounts.some((n) => !Number.isInteger(n) || n < 1 || n > 1024)) fail('--sessions: integers in 1..1024');
if (!['lean', 'sdk'].includes(values.client)) fail('--client lean|sdk');
if (!['legacy', 'modern'].includes(values.era)) fail('--era legacy|modern');
if (!['bare', 'full'].includes(values['gateway-profile'])) fail('--gateway-profile bare|full');
if (!['auto', 'legacy'].includes(values['upstream-protocol'])) fail('--upstream-protocol auto|legacy');
if (!['on', 'off'].includes(values.metrics)) fail('--metrics on|off');
const client = values.client as ClientKind;
const era = values.era as Era;
const ctx: TargetContext = {
  node: process.execPath,
  gatewayProfile: values['gateway-profile'] as GatewayProfile,
  upstreamProtocol: values['upstream-protocol'] as 'auto' | 'legacy',
  databaseUrl: values['database-url'],
  gatewayNodeFlags: values['gateway-node-flags']?.split(' ').filter(Boolean) ?? startNodeFlags(),
  limitRule: values['limit-rule'],
};
// The gateways inherit this environment: metrics on or off; with a sink, each exports its traces there.
process.env.SWITCHBOARD_METRICS = values.metrics;
const otlpSink = values['otlp-sink'] ? await startOtlpSink() : undefined;
if (otlpSink) process.env.OTEL_EXPORTER_OTLP_ENDPOINT = otlpSink.url;
const CALL_TIMEOUT_MS = 10_000;

// Children must never outlive the benchmark, whatever ends it.
process.on('exit', killAllChildren);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping children`);
    killAllChildren();
    process.exit(130);
  });
}
// Upper bound per pair: start (≤ 60 s + setup) + prime + open (≤ 60 s) + warm-up + run + close + stop.
const pairBoundS = 180 + warmupS + durationS + (2 * CALL_TIMEOUT_MS) / 1000;
const watchdog = setTimeout(
  () => {
    console.error('watchdog: the run exceeded its time bound; stopping');
    killAllChildren();
    process.exit(3);
  },
  pairBoundS * targets.length * sessionCounts.length * 1000,
);
watchdog.unref();

const mb = (bytes: number | undefined) => (bytes === undefined ? undefined : bytes / 1024 / 1024);
const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

async function measure(target: TargetName, sessions: number): Promise<Row> {
  const started = await TARGETS[target](ctx);
  try {
    const base = { url: started.url, tool: started.tool, headers: started.headers, era, client, callTimeoutMs: CALL_TIMEOUT_MS };
    // Priming: one short session exercises the whole path once, so a broken target fails
    // fast and clearly, and the timed open below measures a warm process.
    const prime = await runLoad({ ...base, sessions: 1, durationMs: 300, warmupMs: 0, maxCalls: 200 }).catch((error) => {
      throw new Error(`${started.url}: ${errorText(error)}`);
    });
    if (prime.calls === 0) throw new Error(`${started.url}: ${prime.firstError ?? 'no call succeeded'}`);

    const sampler = new RssSampler(started.pid);
    let cpuBefore: number | undefined;
    let cpuAfter: number | undefined;
    let rssOpen: number | undefined;
    let rssPeak: number | undefined;
    sampler.start();
    let load: LoadResult;
    try {
      load = await runLoad(
        { ...base, sessions, durationMs: durationS * 1000, warmupMs: warmupS * 1000, maxCalls },
        {
          onMeasureStart: () => {
            cpuBefore = cpuMicros(started.pid);
          },
          onMeasureEnd: () => {
            cpuAfter = cpuMicros(started.pid);
            rssOpen = sampler.sample();
          },
        },
      );
    } finally {
      rssPeak = sampler.stop();
    }
    if (load.calls === 0) throw new Error(`no call succeeded: ${load.firstError ?? 'unknown error'}`);
    const cpu = cpuBefore !== undefined && cpuAfter !== undefined ? (cpuAfter - cpuBefore) / load.calls : undefined;
    return { target, sessions, ok: true, load, rssOpenMb: mb(rssOpen), rssPeakMb: mb(rssPeak), cpuUsPerCall: cpu };
  } finally {
    await started.stop();
  }
}

async function main() {
  // The load average is recorded because other work on a 2-core machine skews every figure.
  const loadBefore = loadavg()[0]!;
  console.error(
    `bench: node ${process.version}, ${client} client, ${era} era, ${durationS}s (+${warmupS}s warm-up) per run, ` +
      `targets ${targets.join(',')}, sessions ${sessionCounts.join(',')}, load average ${loadBefore.toFixed(2)}`,
  );
  const rows: Row[] = [];
  for (const target of targets) {
    for (const sessions of sessionCounts) {
      process.stderr.write(`  ${target} × ${sessions} … `);
      let row: Row;
      try {
        row = await measure(target, sessions);
      } catch (error) {
        row = { target, sessions, ok: false, error: errorText(error) };
      }
      rows.push(row);
      console.error(row.ok ? `${row.load.callsPerS.toFixed(0)} calls/s` : `FAILED\n    ${row.error.replaceAll('\n', '\n    ')}`);
    }
  }

  const table = markdownTable(rows);
  const checks = checklist(rows);
  console.log(`\n${table}\n\nTargets from the issue (gateway profile: ${ctx.gatewayProfile}, gateway-http upstream protocol: ${ctx.upstreamProtocol}):\n${checks}\n`);
  const observability = { metrics: values.metrics, limitRule: ctx.limitRule ?? false, traceExport: otlpSink?.stats() ?? null };
  console.log(`observability: ${JSON.stringify(observability)}`);
  await otlpSink?.stop();

  const dir = join(ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${new Date().toISOString().replaceAll(':', '-')}.json`);
  const meta = {
    ...{ node: process.version, client, era, durationS, warmupS, maxCalls, gatewayProfile: ctx.gatewayProfile, upstreamProtocol: ctx.upstreamProtocol, gatewayNodeFlags: ctx.gatewayNodeFlags, sessionCounts, targets },
    observability,
    loadAverage: { before: loadBefore, after: loadavg()[0] },
  };
  writeFileSync(file, `${JSON.stringify({ meta, rows }, null, 2)}\n`);
  console.error(`results: ${file}`);
}

main()
  .catch((error) => {
    console.error(errorText(error));
    process.exitCode = 1;
  })
  .finally(() => {
    killAllChildren();
    clearTimeout(watchdog);
  });
