/**
 * Upstream faults, seen from real clients: a crashing upstream process, and one that
 * never answers. The client always gets a bounded JSON-RPC error naming the upstream,
 * the gateway restarts the crashed process by itself, and the other upstreams of the
 * same virtual server keep working meanwhile.
 */
import { ProtocolError } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, type TestClient, textOf } from './support/clients.ts';
import { Cleanup, type E2eGateway, startE2eGateway } from './support/gateway.ts';
import { RawSession } from './support/raw-session.ts';
import { everythingEntry, misbehavingEntry } from './support/upstreams.ts';

const SERVER_ID = '8e0a2c4e-6b8d-4f1a-a3c5-e7b9d1f3a5c7';
/** Names the upstream, says it is unavailable, and carries none of its stderr. */
const UNAVAILABLE = /^upstream "bad" is unavailable; try again shortly$/;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The error a rejected promise settled with, and how long it took. */
async function failure(promise: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = Date.now();
  try {
    await promise;
  } catch (error) {
    return { error, ms: Date.now() - started };
  }
  throw new Error('expected the call to fail, but it succeeded');
}

describe('upstream faults', () => {
  const cleanup = new Cleanup();
  let gw: E2eGateway;
  let upstreamIds: Record<string, string>;
  const status = async (name: string) => (await gw.api('GET', `/api/v1/upstreams/${upstreamIds[name]}/status`)).body;
  /** Polls the upstream's status until `check` holds (bounded). */
  async function statusBecomes(name: string, check: (s: { inFlight: number; state: string }) => boolean, what: string) {
    const deadline = Date.now() + 5000;
    while (!check(await status(name))) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(await status(name))}`);
      await sleep(50);
    }
  }

  beforeAll(async () => {
    gw = await startE2eGateway();
    cleanup.add(() => gw.stop());
    await gw.importConfig({
      mcpServers: {
        everything: everythingEntry(),
        // every request to `bad` gets 1 s before the gateway gives up on it
        bad: misbehavingEntry({ timeoutMs: 1000 }),
        // `stuck` keeps the default timeout: only a cancellation ends its hung calls early
        stuck: misbehavingEntry(),
      },
      virtualServers: { faults: { id: SERVER_ID, upstreams: ['everything', 'bad', 'stuck'], auth: 'none', defaultAccess: 'allow' } },
    });
    const { body } = await gw.api('GET', '/api/v1/upstreams?limit=100');
    upstreamIds = Object.fromEntries(body.items.map((u: { name: string; id: string }) => [u.name, u.id]));
  });

  afterAll(() => cleanup.run());

  // A 2025-era session without capabilities has its tools/call served by the gateway's
  // fast path; one that declares elicitation by the SDK path. Both must behave the same.
  describe.each([
    ['no capabilities (fast path)', {}],
    ['elicitation declared (SDK path)', { elicitation: {} }],
  ])('a crashing upstream, raw 2025-era session with %s', (_label, capabilities) => {
    let session: RawSession;
    beforeAll(async () => {
      session = await RawSession.open(gw.mcpUrl(SERVER_ID), 'crash-test', capabilities);
      // the first request connects the lazy upstreams
      const listed = await session.request('warm-up', 'tools/list', {});
      expect(listed.result.tools.map((t: { name: string }) => t.name)).toContain('bad__crash');
    });
    afterAll(() => session?.close());

    it('answers the call with a JSON-RPC error saying the upstream is unavailable, not a hang', async () => {
      const started = Date.now();
      const response = await session.request(7, 'tools/call', { name: 'bad__crash', arguments: {} });
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(response.id).toBe(7);
      expect(response.result).toBeUndefined();
      expect(response.error).toMatchObject({ code: -32603, message: UNAVAILABLE, data: { upstream: 'bad', reason: 'unavailable' } });
    });

    it('restarts the upstream by itself: bad__slow_echo works again', async () => {
      const deadline = Date.now() + 30_000;
      let attempts = 0;
      let last: unknown;
      while (Date.now() < deadline) {
        attempts++;
        const response = await session.request(`retry-${attempts}`, 'tools/call', { name: 'bad__slow_echo', arguments: { text: 'back' } });
        if (response.result) {
          expect(response.result.content).toEqual([{ type: 'text', text: 'back' }]);
          const { body } = await gw.api('GET', '/api/v1/upstreams?limit=100');
          const bad = body.items.find((u: { name: string }) => u.name === 'bad');
          expect(bad.status).toMatchObject({ state: 'connected' });
          expect(bad.status.restarts).toBeGreaterThanOrEqual(1);
          return;
        }
        // until then every call fails fast with the same clear error, never hangs
        expect(response.error?.message).toMatch(UNAVAILABLE);
        last = response.error;
        await sleep(200);
      }
      throw new Error(`bad__slow_echo did not recover within 30 s; last error: ${JSON.stringify(last)}`);
    });

    it('times bad__hang out within 1-3 s', async () => {
      const started = Date.now();
      const response = await session.request('hang', 'tools/call', { name: 'bad__hang', arguments: {} });
      const ms = Date.now() - started;
      expect(response.error).toMatchObject({ code: -32001, message: 'upstream "bad" did not answer in time', data: { upstream: 'bad', reason: 'timeout' } });
      expect(ms).toBeGreaterThanOrEqual(900);
      expect(ms).toBeLessThan(3000);
    });

    it('left the other upstream alone', async () => {
      const response = await session.request('after', 'tools/call', { name: 'everything__echo', arguments: { message: 'still here' } });
      expect(response.result.content).toEqual([{ type: 'text', text: 'Echo: still here' }]);
    });
  });

  describe('an upstream that never answers (timeoutMs 1000)', () => {
    let legacy: TestClient;
    let modern: TestClient;
    beforeAll(async () => {
      legacy = await connectClient('v2-legacy', gw, SERVER_ID);
      modern = await connectClient('v2-modern', gw, SERVER_ID);
      await legacy.listToolNames();
    });
    afterAll(async () => {
      await Promise.allSettled([legacy?.close(), modern?.close()]);
    });

    it.each(['v2-legacy', 'v2-modern'] as const)('times bad__hang out within 1-3 s for a %s client', async (kind) => {
      const client = kind === 'v2-legacy' ? legacy : modern;
      const { error, ms } = await failure(client.callTool('bad__hang', {}, { timeoutMs: 15_000 }));
      expect(error).toBeInstanceOf(ProtocolError);
      expect(error).toMatchObject({ code: -32001, message: expect.stringContaining('upstream "bad" did not answer in time') });
      expect(ms).toBeGreaterThanOrEqual(900);
      expect(ms).toBeLessThan(3000);
    });

    it('keeps serving everything__echo (same session and other clients) while a call hangs', async () => {
      // (on `stuck`, whose calls only a cancellation ends: however slow the machine, the six
      // answers below come while the hung call is pending — on `bad` it would time out first)
      await statusBecomes('stuck', (s) => s.inFlight === 0, 'no call in flight');
      const abort = new AbortController();
      let hangSettled = false;
      const hang = failure(legacy.callTool('stuck__hang', {}, { signal: abort.signal })).finally(() => {
        hangSettled = true;
      });
      await statusBecomes('stuck', (s) => s.inFlight === 1, 'the hung call to reach the upstream');
      const answers: string[] = [];
      for (let i = 0; i < 3; i++) {
        const [same, other] = await Promise.all([
          legacy.callTool('everything__echo', { message: `same-${i}` }),
          modern.callTool('everything__echo', { message: `other-${i}` }),
        ]);
        answers.push(textOf(same), textOf(other));
      }
      // all six answers came while the hung call was still pending
      expect(hangSettled).toBe(false);
      expect(answers).toEqual(['Echo: same-0', 'Echo: other-0', 'Echo: same-1', 'Echo: other-1', 'Echo: same-2', 'Echo: other-2']);
      abort.abort();
      await hang;
      await statusBecomes('stuck', (s) => s.inFlight === 0, 'the hung call to be cancelled upstream');
    });

    it('keeps the upstream usable after a timeout (the hung request was cancelled, not the connection)', async () => {
      expect(textOf(await legacy.callTool('bad__slow_echo', { text: 'alive', ms: 10 }))).toBe('alive');
      const { body } = await gw.api('GET', '/api/v1/upstreams?limit=100');
      const bad = body.items.find((u: { name: string }) => u.name === 'bad');
      expect(bad.status).toMatchObject({ state: 'connected', inFlight: 0 });
    });
  });

  describe('a client that cancels its call', () => {
    it.each([
      ['v2-legacy', true],
      ['v2-modern', true],
      ['v2-legacy', false], // no capabilities: the call takes the fast path
    ] as const)('cancels the upstream request too (%s, elicitation %s)', async (kind, elicitation) => {
      const client = await connectClient(kind, gw, SERVER_ID, { elicitation });
      try {
        await statusBecomes('stuck', (s) => s.inFlight === 0, 'no call in flight');
        const abort = new AbortController();
        const call = client.callTool('stuck__hang', {}, { signal: abort.signal }).then(
          () => 'answered',
          () => 'rejected',
        );
        await statusBecomes('stuck', (s) => s.inFlight === 1, 'the hung call to reach the upstream');
        abort.abort('changed my mind');
        expect(await call).toBe('rejected');
        // the upstream request is cancelled within moments, not left to its 60 s timeout
        await statusBecomes('stuck', (s) => s.inFlight === 0, 'the upstream request to be cancelled');
      } finally {
        await client.close();
      }
    });
  });
});
