/**
 * Micro-benchmark of what the metrics stage adds to every call
 * (apps/gateway/src/pipeline/metrics.ts): the same echo handler composed with and without
 * the stage, called back to back over 200 tools on 10 upstreams with a mix of outcomes.
 * The difference per call is the stage's cost (two clock reads, a map lookup, a plain
 * increment and an observe on a cached prom-client child; the counters take their
 * increments at scrape time). Compare with the gateway's CPU per
 * call in the load bench (~100–250 µs).
 *
 *   node --import tsx bench/metrics-stage.ts [--calls 1000000]
 */
import { performance } from 'node:perf_hooks';
import { GatewayMetrics } from '../apps/gateway/src/metrics/gateway-metrics.ts';
import { type CallHandler, compose, type McpCall } from '../apps/gateway/src/pipeline/call.ts';
import { metrics } from '../apps/gateway/src/pipeline/metrics.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const CALLS = arg('calls', 1_000_000);

const UPSTREAMS = Array.from({ length: 10 }, (_, i) => `upstream${i}`);
const CALLS_MIX: McpCall[] = UPSTREAMS.flatMap((upstream) =>
  Array.from({ length: 20 }, (_, i) => {
    const name = `${upstream}__tool_${i}`;
    return { kind: 'tool', name, params: {}, era: 'legacy', route: { upstreamId: upstream, upstreamName: upstream, item: `tool_${i}` } } as unknown as McpCall;
  }),
);
const OK = { content: [] };
const TOOL_ERROR = { content: [], isError: true };
// every 20th call is a tool error: both outcome children are exercised
let n = 0;
const echo: CallHandler = async () => (++n % 20 === 0 ? TOOL_ERROR : OK);

async function time(handler: CallHandler): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < CALLS; i++) await handler(CALLS_MIX[i % CALLS_MIX.length]!);
  return ((performance.now() - started) * 1000) / CALLS;
}

const gatewayMetrics = new GatewayMetrics();
const without = compose([], echo);
const withStage = compose([metrics(gatewayMetrics.recorderFor('00000000-0000-4000-8000-000000000000'))], echo);
// warm both (JIT, children created), then alternate so drift hits both alike
await time(without);
await time(withStage);
const rounds: Array<[number, number]> = [];
for (let r = 0; r < 3; r++) rounds.push([await time(without), await time(withStage)]);
const best = (i: 0 | 1) => Math.min(...rounds.map((r) => r[i]));
console.log(`calls per round: ${CALLS.toLocaleString()} over ${CALLS_MIX.length} tools`);
console.log(`without the stage: ${best(0).toFixed(3)} µs/call   with it: ${best(1).toFixed(3)} µs/call   stage: ${(best(1) - best(0)).toFixed(3)} µs/call`);
const scrape = await gatewayMetrics.scrape(false);
console.log(`exposition after the run: ${(scrape.body.length / 1024).toFixed(0)} KiB`);
