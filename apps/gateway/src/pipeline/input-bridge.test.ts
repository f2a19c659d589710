/**
 * The input bridge's rounds and its refusals, with the stage in front of a scripted
 * upstream call (the e2e protocol matrix runs it against real upstreams and clients).
 */
import { randomBytes } from 'node:crypto';
import { createRequestStateCodec } from '@modelcontextprotocol/server';
import { describe, expect, it } from 'vitest';
import type { McpCall } from './call.ts';
import { HeldCalls } from './held-calls.ts';
import { type BridgeState, inputBridge } from './input-bridge.ts';

const codec = createRequestStateCodec<BridgeState>({ key: randomBytes(32) });

function call(over: { principal?: string; params?: Record<string, unknown>; capabilities?: Record<string, unknown>; progress?: unknown[] } = {}): McpCall {
  return {
    kind: 'tool',
    name: 'asks__twice',
    params: { name: 'asks__twice', ...over.params },
    era: 'modern',
    caller: { principal: { key: over.principal ?? 'user:ada', kind: 'oauth', userId: 'ada', clientId: 'c' }, userEmail: () => null },
    downstream: {
      clientCapabilities: over.capabilities ?? { elicitation: { form: {} } },
      logThreshold: 'none',
      inputRequired: 'relay',
      project: (r) => r,
      hooks: { onProgress: (p) => over.progress?.push(p) },
    },
  };
}

/** An upstream call that asks twice (progress after the first answer), then answers with both. */
const asksTwice = async (c: McpCall) => {
  const hooks = c.downstream.hooks;
  const first = await hooks.onServerRequest!('elicitation/create', { message: 'name?' });
  hooks.onProgress?.({ progress: 1 });
  const second = await hooks.onServerRequest!('elicitation/create', { message: 'colour?' });
  return { content: [{ type: 'text', text: `${JSON.stringify(first)} ${JSON.stringify(second)}` }] };
};

describe('the input bridge', () => {
  it('holds the upstream call across rounds of questions and answers, progress to the current round', async () => {
    const held = new HeldCalls({ ttlMs: 60_000, max: 10 });
    const stage = inputBridge({ held, codec });
    const round1 = await stage(call(), asksTwice);
    expect(round1).toMatchObject({ resultType: 'input_required', inputRequests: { q1: { method: 'elicitation/create', params: { message: 'name?' } } } });
    expect(held.size).toBe(1);

    const progress: unknown[] = [];
    const retry = call({ params: { requestState: round1.requestState, inputResponses: { q1: { action: 'accept', content: { name: 'Ada' } } } }, progress });
    const round2 = await stage(retry, () => Promise.reject(new Error('a retry must not call the upstream again')));
    expect(round2).toMatchObject({ resultType: 'input_required', inputRequests: { q2: { params: { message: 'colour?' } } } });
    expect(progress).toEqual([{ progress: 1 }]);

    const last = call({ params: { requestState: round2.requestState, inputResponses: { q2: { action: 'decline' } } } });
    const done = await stage(last, () => Promise.reject(new Error('not again')));
    expect(done).toEqual({ content: [{ type: 'text', text: '{"action":"accept","content":{"name":"Ada"}} {"action":"decline"}' }] });
    expect(held.size).toBe(0);

    // the same answers again: the call is over
    await expect(stage(last, asksTwice)).rejects.toMatchObject({ code: -32602, message: expect.stringMatching(/has ended/) });
  });

  it('refuses a requestState presented by another caller or for another tool', async () => {
    const held = new HeldCalls({ ttlMs: 60_000, max: 10 });
    const stage = inputBridge({ held, codec });
    const { requestState } = await stage(call(), asksTwice);
    await expect(stage(call({ principal: 'user:eve', params: { requestState } }), asksTwice)).rejects.toMatchObject({ message: 'requestState belongs to another call' });
    const other = { ...call({ params: { requestState } }), name: 'asks__other' };
    await expect(stage(other, asksTwice)).rejects.toMatchObject({ message: 'requestState belongs to another call' });
    held.close();
  });

  it('abandons a call whose client does not come back in time: the upstream is cancelled', async () => {
    const held = new HeldCalls({ ttlMs: 50, max: 10 });
    const stage = inputBridge({ held, codec });
    let signal: AbortSignal | undefined;
    let asked: Promise<unknown> | undefined;
    const upstream = (c: McpCall) => {
      signal = c.downstream.hooks.signal;
      asked = c.downstream.hooks.onServerRequest!('elicitation/create', {});
      return asked.then(() => ({ content: [] }));
    };
    const { requestState } = await stage(call(), upstream);
    await expect(asked).rejects.toThrow(/did not answer the upstream in time/);
    expect(signal?.aborted).toBe(true);
    expect(held.size).toBe(0);
    await expect(stage(call({ params: { requestState } }), upstream)).rejects.toMatchObject({ message: expect.stringMatching(/has ended/) });
  });

  it('leaves alone clients that cannot answer, other eras, and requestStates that are not the gateway’s', async () => {
    const held = new HeldCalls({ ttlMs: 60_000, max: 10 });
    const stage = inputBridge({ held, codec });
    const seen: McpCall[] = [];
    const upstream = async (c: McpCall) => {
      seen.push(c);
      return { content: [] };
    };
    await stage(call({ capabilities: {} }), upstream);
    await stage({ ...call(), era: 'legacy' }, upstream);
    await stage(call({ params: { requestState: 'v1.an-upstream-s.own' } }), upstream);
    expect(seen.map((c) => c.downstream.hooks.onServerRequest)).toEqual([undefined, undefined, expect.any(Function)]);
    expect(seen[2]!.params.requestState).toBe('v1.an-upstream-s.own');
    expect(held.size).toBe(0);
  });

  it('stops bridging when the process holds its maximum', async () => {
    const held = new HeldCalls({ ttlMs: 60_000, max: 1 });
    const stage = inputBridge({ held, codec });
    await stage(call(), asksTwice);
    let hooked: unknown = 'not called';
    await stage(call(), async (c) => {
      hooked = c.downstream.hooks.onServerRequest;
      return { content: [] };
    });
    expect(hooked).toBeUndefined();
    held.close();
  });
});
