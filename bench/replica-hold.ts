/**
 * The hold mode of bench/replicas.ts: many 2025-era Streamable HTTP sessions opened through
 * HAProxy and held for minutes, each calling the echo tool every ~30 s and (like the SDK
 * clients in the field) keeping its GET stream open, while every gateway's RSS and V8 heap
 * are sampled: does memory stay flat with the sessions idle? Bounded: the sessions are
 * opened in batches, every call and open has a timeout, everything stops at the deadline.
 */
import { Agent, request } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { sleep } from './children.ts';
import { openLeanSession, type Session } from './load-clients.ts';
import { cpuMicros, rssBytes } from './proc-stats.ts';
import type { MemorySample } from './replica-report.ts';
import type { Stack } from './replica-stack.ts';

export interface HoldOptions {
  sessions: number;
  durationS: number;
  callIntervalS: number;
  sampleIntervalS: number;
  /** Hold each session's GET stream open too (default, as SDK clients do). */
  streams: boolean;
  callTimeoutMs: number;
  onSample?(sample: MemorySample): void;
}

export interface HoldResult {
  opened: number;
  openS: number;
  samples: MemorySample[];
  callsOk: number;
  callsFailed: number;
  /** GET streams that ended before the hold did (each reopened once a second later, at most 10 times). */
  streamEnds: number;
  firstError?: string;
  /** CPU seconds each gateway spent over the hold. */
  gatewayCpuS: Record<string, number>;
}

const OPEN_BATCH = 50;
const MB = 1024 * 1024;
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** One gauge of the Prometheus text (`name value`), in bytes → MB. */
function gauge(text: string, name: string): number | undefined {
  const match = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)$`, 'm').exec(text);
  return match ? Number(match[1]) / MB : undefined;
}

async function sampleGateways(stack: Stack): Promise<MemorySample['gateways']> {
  const entries = await Promise.all(
    stack.gateways().map(async ({ name, port, pid }) => {
      // The gateway's own /metrics (prom-client's default metrics), straight from the replica.
      const text = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(5000) }).then(
        (r) => (r.ok ? r.text() : ''),
        () => '',
      );
      const rss = rssBytes(pid);
      return [name, { rssMb: rss === undefined ? undefined : rss / MB, heapUsedMb: gauge(text, 'nodejs_heap_size_used_bytes'), heapTotalMb: gauge(text, 'nodejs_heap_size_total_bytes') }] as const;
    }),
  );
  return Object.fromEntries(entries);
}

export async function runHold(stack: Stack, o: HoldOptions): Promise<HoldResult> {
  // Free sockets close before HAProxy's 60 s keep-alive timeout would close them under a request.
  const agent = new Agent({ keepAlive: true, timeout: 20_000 });
  const streamAgent = new Agent({ keepAlive: false });
  const tally = { ok: 0, failed: 0, streams: 0, streamEnds: 0, firstError: undefined as string | undefined };
  const fail = (error: unknown) => {
    tally.failed++;
    tally.firstError ??= message(error);
  };
  const load = { url: stack.mcpUrl, tool: stack.tool, headers: stack.headers, era: 'legacy', client: 'lean', callTimeoutMs: o.callTimeoutMs, openTimeoutMs: 30_000 } as const;
  const sessions: Session[] = [];
  const responses = new Set<IncomingMessage>();
  let holding = true;

  const openStream = (session: Session, reopens: number) => {
    if (!holding || !session.headers) return;
    const headers = { ...session.headers, accept: 'text/event-stream' };
    delete (headers as Record<string, string>)['content-type'];
    const req = request(stack.mcpUrl, { method: 'GET', agent: streamAgent, headers }, (res) => {
      if (res.statusCode !== 200) {
        fail(new Error(`GET stream: HTTP ${res.statusCode}`));
        res.resume();
        return;
      }
      tally.streams++;
      responses.add(res);
      res.resume();
      res.once('close', () => {
        responses.delete(res);
        tally.streams--;
        if (!holding) return;
        tally.streamEnds++;
        if (reopens < 10) setTimeout(() => openStream(session, reopens + 1), 1000).unref();
      });
    });
    req.on('error', (error) => holding && fail(error));
    req.end();
  };

  const openStarted = performance.now();
  for (let i = 0; i < o.sessions; i += OPEN_BATCH) {
    const batch = await Promise.allSettled(Array.from({ length: Math.min(OPEN_BATCH, o.sessions - i) }, () => openLeanSession({ ...load, sessions: 1, durationMs: 0, warmupMs: 0, maxCalls: 0 }, agent)));
    for (const s of batch) {
      if (s.status === 'fulfilled') sessions.push(s.value);
      else fail(s.reason);
    }
  }
  const openS = (performance.now() - openStarted) / 1000;
  if (o.streams) for (const s of sessions) openStream(s, 0);

  const cpuBefore = Object.fromEntries(stack.gateways().map((g) => [g.name, cpuMicros(g.pid)]));
  const started = performance.now();
  const deadline = started + o.durationS * 1000;
  const samples: MemorySample[] = [];
  const sample = async () => {
    const s: MemorySample = { t: (performance.now() - started) / 1000, gateways: await sampleGateways(stack), callsOk: tally.ok, callsFailed: tally.failed, streams: tally.streams };
    samples.push(s);
    o.onSample?.(s);
  };

  // Each session calls every interval, from a random offset so the calls spread evenly.
  const callers = sessions.map(async (session, s) => {
    await sleep(Math.random() * o.callIntervalS * 1000);
    for (let n = 0; performance.now() < deadline; n++) {
      const at = performance.now();
      try {
        await session.call(`hold-${s}-${n}`);
        tally.ok++;
      } catch (error) {
        fail(error);
      }
      const next = at + o.callIntervalS * 1000;
      if (next >= deadline) break;
      await sleep(next - performance.now());
    }
  });
  // Samples at 0, every interval, and at the end.
  const sampler = (async () => {
    await sleep(Math.min(2000, o.durationS * 500)); // streams opened, first calls made
    await sample();
    while (performance.now() + o.sampleIntervalS * 1000 < deadline) {
      await sleep(o.sampleIntervalS * 1000);
      await sample();
    }
  })();
  await Promise.all([...callers, sampler]);
  await sample();
  const gatewayCpuS = Object.fromEntries(
    stack.gateways().map((g) => {
      const before = cpuBefore[g.name];
      const after = cpuMicros(g.pid);
      return [g.name, before === undefined || after === undefined ? Number.NaN : (after - before) / 1e6];
    }),
  );

  holding = false;
  for (const res of responses) res.destroy();
  await Promise.allSettled(sessions.map((s) => Promise.race([s.close(), sleep(5000)])));
  agent.destroy();
  streamAgent.destroy();
  return { opened: sessions.length, openS, samples, callsOk: tally.ok, callsFailed: tally.failed, streamEnds: tally.streamEnds, firstError: tally.firstError, gatewayCpuS };
}
