/**
 * Held calls across replicas: two bridges (two replicas' worth) whose relay messages travel
 * as JSON text, as they do through Postgres NOTIFY. A client's retries alternate between
 * them, as behind a round-robin load balancer; the upstream call stays on the replica that
 * started it. (e2e/replicas.test.ts runs the same through HAProxy and real processes.)
 */
import { randomBytes } from 'node:crypto';
import { createRequestStateCodec } from '@modelcontextprotocol/server';
import { describe, expect, it } from 'vitest';
import type { McpCall } from './call.ts';
import { HeldCallRelay, type HeldRoundMessage } from './held-call-relay.ts';
import { HeldCalls } from './held-calls.ts';
import { type BridgeState, inputBridge, type InputBridgeOptions } from './input-bridge.ts';

/** Both replicas derive one sealing key from the shared key ring. */
const codec = createRequestStateCodec<BridgeState>({ key: randomBytes(32) });

function call(params: Record<string, unknown> = {}, progress?: unknown[]): McpCall {
  return {
    kind: 'tool',
    name: 'asks__twice',
    params: { name: 'asks__twice', ...params },
    era: 'modern',
    caller: { principal: { key: 'user:ada', kind: 'oauth', userId: 'ada', clientId: 'c' }, userEmail: () => null },
    downstream: {
      clientCapabilities: { elicitation: { form: {} } },
      logThreshold: 'none',
      inputRequired: 'relay',
      project: (r) => r,
      hooks: { onProgress: (p) => progress?.push(p) },
    },
  };
}

const asksTwice = async (c: McpCall) => {
  const hooks = c.downstream.hooks;
  const first = await hooks.onServerRequest!('elicitation/create', { message: 'name?' });
  hooks.onProgress?.({ progress: 1, message: 'got a name' });
  const second = await hooks.onServerRequest!('elicitation/create', { message: 'colour?' });
  return { content: [{ type: 'text', text: `${JSON.stringify(first)} ${JSON.stringify(second)}` }] };
};
const never = () => Promise.reject(new Error('a retry must not call the upstream again'));

/** Replicas whose relays reach each other (unless a replica is `down`). */
function replicas(names: string[]) {
  const down = new Set<string>();
  const nodes = new Map<string, { relay: HeldCallRelay; bridge: InputBridgeOptions; held: HeldCalls }>();
  for (const name of names) {
    const relay = new HeldCallRelay({
      replica: name,
      waitMs: 5_000,
      publish: async (message) => {
        if (down.has(message.to)) return true; // sent, never heard: the holder died
        const text = JSON.stringify(message);
        setImmediate(() => nodes.get(message.to)?.relay.receive(JSON.parse(text) as HeldRoundMessage));
        return true;
      },
    });
    const held = new HeldCalls({ ttlMs: 60_000, max: 10 });
    const bridge = { held, codec, remote: relay };
    relay.serve(bridge);
    nodes.set(name, { relay, bridge, held });
  }
  const stage = (name: string) => inputBridge(nodes.get(name)!.bridge);
  return { stage, nodes, down };
}

describe('held calls across replicas', () => {
  it('a retry on another replica is answered by the one holding the call, its progress relayed', async () => {
    const { stage, nodes } = replicas(['a', 'b']);
    const round1 = await stage('a')(call(), asksTwice);
    expect(round1).toMatchObject({ resultType: 'input_required', inputRequests: { q1: { params: { message: 'name?' } } } });

    const progress: unknown[] = [];
    const round2 = await stage('b')(call({ requestState: round1.requestState, inputResponses: { q1: { action: 'accept', content: { name: 'Ada' } } } }, progress), never);
    expect(round2).toMatchObject({ resultType: 'input_required', inputRequests: { q2: { params: { message: 'colour?' } } } });
    expect(progress).toEqual([{ progress: 1, message: 'got a name' }]);
    expect(nodes.get('a')!.held.size).toBe(1);
    expect(nodes.get('b')!.held.size).toBe(0);

    const done = await stage('b')(call({ requestState: round2.requestState, inputResponses: { q2: { action: 'decline' } } }), never);
    expect(done).toEqual({ content: [{ type: 'text', text: '{"action":"accept","content":{"name":"Ada"}} {"action":"decline"}' }] });
    expect(nodes.get('a')!.held.size).toBe(0);

    // the holder's refusal reaches the client as the same JSON-RPC error as on one replica
    await expect(stage('b')(call({ requestState: round2.requestState, inputResponses: {} }), never)).rejects.toMatchObject({
      code: -32602,
      message: expect.stringMatching(/has ended/),
    });
  });

  it('a holder that never answers, or a client that goes away, ends the wait with a clear error', async () => {
    const { stage, nodes, down } = replicas(['a', 'b']);
    const { requestState } = await stage('a')(call(), asksTwice);
    down.add('a');
    const relay = new HeldCallRelay({ replica: 'c', waitMs: 50, publish: async () => true });
    await expect(relay.resume({ h: 'x', o: 'y', n: 'tool:t', r: 'a' }, {}, {})).rejects.toMatchObject({ message: expect.stringMatching(/did not answer in time/) });

    const gone = new AbortController();
    const retry = call({ requestState, inputResponses: { q1: { action: 'cancel' } } });
    retry.downstream.hooks.signal = gone.signal;
    const waiting = stage('b')(retry, never);
    gone.abort();
    await expect(waiting).rejects.toMatchObject({ message: 'request cancelled' });
    nodes.get('a')!.held.close();
  });
});
