/**
 * Requests of different clients never cross, even when they reuse the same JSON-RPC id
 * at the same moment: the gateway multiplexes them over ONE connection per upstream with
 * its own ids, and must hand each answer back to the client (and id) that asked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureStdio } from '@switchboard/core/upstream/test-upstreams';
import { type ClientKind, connectClient, type TestClient, textOf } from './support/clients.ts';
import { Cleanup, type E2eGateway, startE2eGateway } from './support/gateway.ts';
import { RawSession } from './support/raw-session.ts';
import { everythingEntry, misbehavingEntry } from './support/upstreams.ts';

const SERVER_ID = '2c4e6a8b-0d1f-4a3c-9e5b-7d9f1b3d5e7a';
const ROUNDS = 20;
const fixture = fixtureStdio();
const PAIRS: Array<[ClientKind, ClientKind]> = [
  ['v2-legacy', 'v2-legacy'],
  ['v2-modern', 'v2-modern'],
  ['v1-streamable', 'v2-modern'],
];

const textOfRpc = (response: { result?: { content?: Array<{ text?: string }> } }) => response.result?.content?.[0]?.text;

describe('isolation between concurrent clients using the same request ids', () => {
  const cleanup = new Cleanup();
  let gw: E2eGateway;

  beforeAll(async () => {
    gw = await startE2eGateway();
    cleanup.add(() => gw.stop());
    await gw.importConfig({
      mcpServers: {
        everything: everythingEntry(),
        slow: misbehavingEntry(),
        fx: { command: fixture.command, args: fixture.args, cwd: fixture.cwd ?? undefined },
      },
      virtualServers: { iso: { id: SERVER_ID, upstreams: ['everything', 'slow', 'fx'], auth: 'none', defaultAccess: 'allow' } },
    });
  });

  afterAll(() => cleanup.run());

  describe('2025-era sessions (raw fetch)', () => {
    let a: RawSession;
    let b: RawSession;
    beforeAll(async () => {
      a = await RawSession.open(gw.mcpUrl(SERVER_ID), 'session-a');
      b = await RawSession.open(gw.mcpUrl(SERVER_ID), 'session-b');
    });
    afterAll(async () => {
      await Promise.allSettled([a?.close(), b?.close()]);
    });

    it('gives each session its own answer when both send the same id at once', async () => {
      expect(a.sessionId).not.toBe(b.sessionId);
      for (let round = 1; round <= ROUNDS; round++) {
        const [fromA, fromB] = await Promise.all([
          a.request(round, 'tools/call', { name: 'everything__echo', arguments: { message: `A-${round}` } }),
          b.request(round, 'tools/call', { name: 'everything__echo', arguments: { message: `B-${round}` } }),
        ]);
        expect(fromA).toMatchObject({ id: round });
        expect(fromB).toMatchObject({ id: round });
        expect(textOfRpc(fromA)).toBe(`Echo: A-${round}`);
        expect(textOfRpc(fromB)).toBe(`Echo: B-${round}`);
      }
    });

    it('keeps them apart when the answers come back in the opposite order', async () => {
      // A's call is slower than B's, so the upstream answers B first: matching by arrival
      // order (or by the client's id) would swap them.
      for (let round = 1; round <= 5; round++) {
        const id = `same-${round}`;
        const [fromA, fromB] = await Promise.all([
          a.request(id, 'tools/call', { name: 'slow__slow_echo', arguments: { text: `slow A-${round}`, ms: 300 } }),
          b.request(id, 'tools/call', { name: 'slow__slow_echo', arguments: { text: `fast B-${round}`, ms: 20 } }),
        ]);
        expect([fromA.id, textOfRpc(fromA)]).toEqual([id, `slow A-${round}`]);
        expect([fromB.id, textOfRpc(fromB)]).toEqual([id, `fast B-${round}`]);
      }
    });
  });

  describe('2026-07-28 stateless requests (two v2 clients in auto mode)', () => {
    let first: TestClient;
    let second: TestClient;
    const sent: Record<'first' | 'second', unknown[]> = { first: [], second: [] };
    beforeAll(async () => {
      first = await connectClient('v2-modern', gw, SERVER_ID, { onSend: (m) => void sent.first.push(m.id) });
      second = await connectClient('v2-modern', gw, SERVER_ID, { onSend: (m) => void sent.second.push(m.id) });
    });
    afterAll(async () => {
      await Promise.allSettled([first?.close(), second?.close()]);
    });

    it('gives each client its own answer when both call at once (their ids run in step)', async () => {
      expect([first.protocol, second.protocol]).toEqual(['modern', 'modern']);
      for (let round = 1; round <= ROUNDS; round++) {
        const [one, two] = await Promise.all([
          first.callTool('everything__echo', { message: `one-${round}` }),
          second.callTool('everything__echo', { message: `two-${round}` }),
        ]);
        expect(textOf(one)).toBe(`Echo: one-${round}`);
        expect(textOf(two)).toBe(`Echo: two-${round}`);
      }
      // the two clients really did send the same ids
      expect(sent.first.length).toBeGreaterThanOrEqual(ROUNDS);
      expect(sent.second).toEqual(sent.first);
    });

    it('keeps them apart when the answers come back in the opposite order', async () => {
      for (let round = 1; round <= 5; round++) {
        const [one, two] = await Promise.all([
          first.callTool('slow__slow_echo', { text: `slow one-${round}`, ms: 300 }),
          second.callTool('slow__slow_echo', { text: `fast two-${round}`, ms: 20 }),
        ]);
        expect(textOf(one)).toBe(`slow one-${round}`);
        expect(textOf(two)).toBe(`fast two-${round}`);
      }
    });
  });

  describe.each(PAIRS)('server-to-client traffic of concurrent calls (%s + %s)', (kindA, kindB) => {
    let a: TestClient;
    let b: TestClient;
    beforeAll(async () => {
      a = await connectClient(kindA, gw, SERVER_ID, { answer: { username: 'alice', email: 'alice@example.com' } });
      b = await connectClient(kindB, gw, SERVER_ID, { answer: { username: 'bob', email: 'bob@example.com' } });
    });
    afterAll(async () => {
      await Promise.allSettled([a?.close(), b?.close()]);
    });

    it('routes each elicitation to the client whose call asked for it', async () => {
      for (let round = 1; round <= 5; round++) {
        const [fromA, fromB] = await Promise.all([
          a.callTool('fx__test_elicitation', { message: `A asks ${round}` }),
          b.callTool('fx__test_elicitation', { message: `B asks ${round}` }),
        ]);
        expect(textOf(fromA)).toBe('User response: action=accept, content={"username":"alice","email":"alice@example.com"}');
        expect(textOf(fromB)).toBe('User response: action=accept, content={"username":"bob","email":"bob@example.com"}');
      }
      expect(a.elicitations.map((e) => e.message)).toEqual([1, 2, 3, 4, 5].map((r) => `A asks ${r}`));
      expect(b.elicitations.map((e) => e.message)).toEqual([1, 2, 3, 4, 5].map((r) => `B asks ${r}`));
    });

    it('routes each progress notification to the client whose call it belongs to', async () => {
      const seen: Record<'a' | 'b', string[]> = { a: [], b: [] };
      const [fromA, fromB] = await Promise.all([
        a.callTool('slow__slow_echo', { text: 'progress-A', ms: 400, steps: 4 }, { onprogress: (p) => void seen.a.push(p.message ?? '') }),
        b.callTool('slow__slow_echo', { text: 'progress-B', ms: 250, steps: 4 }, { onprogress: (p) => void seen.b.push(p.message ?? '') }),
      ]);
      expect([textOf(fromA), textOf(fromB)]).toEqual(['progress-A', 'progress-B']);
      expect(seen.a).toEqual(Array(4).fill('progress-A'));
      expect(seen.b).toEqual(Array(4).fill('progress-B'));
    });
  });
});
