/**
 * The input bridge across replicas: two session clusters on one real Postgres (two
 * replicas in one process), the bridge stage of each in front of a scripted upstream call.
 * A retry that lands on the other replica is answered by the one holding the call.
 */
import { randomBytes } from 'node:crypto';
import { createRequestStateCodec } from '@modelcontextprotocol/server';
import { UpstreamError } from '@switchboard/core/upstream/types';
import type { DatabaseHandle } from '@switchboard/db/client';
import { openTestDatabase } from '@switchboard/db/testing/test-database';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { McpCall } from '../../pipeline/call.ts';
import { HeldCalls } from '../../pipeline/held-calls.ts';
import { answerHeldCall, type BridgeState, type InputBridgeOptions, inputBridge } from '../../pipeline/input-bridge.ts';
import { HeldCallRelay } from './held-call-relay.ts';
import { SessionCluster } from './session-cluster.ts';

const logger = pino({ level: 'silent' });
// every replica derives the same sealing key
const codec = createRequestStateCodec<BridgeState>({ key: randomBytes(32) });

function call(params: Record<string, unknown> = {}, progress?: unknown[]): McpCall {
  return {
    kind: 'tool',
    name: 'asks__once',
    params: { name: 'asks__once', ...params },
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

interface Replica {
  cluster: SessionCluster;
  relay: HeldCallRelay;
  bridge: InputBridgeOptions;
}

let db: DatabaseHandle;
let a: Replica;
let b: Replica;

async function replica(timeoutMs = 10_000): Promise<Replica> {
  const cluster = new SessionCluster({ database: db, logger, idleMs: 60_000 });
  await cluster.start();
  const bridge: InputBridgeOptions = { held: new HeldCalls({ ttlMs: 60_000, max: 10 }), codec };
  const relay = new HeldCallRelay({ cluster, serve: (state, responses, hooks) => answerHeldCall(bridge, state, responses, hooks), logger, timeoutMs });
  bridge.remote = relay;
  return { cluster, relay, bridge };
}

beforeAll(async () => {
  db = await openTestDatabase('postgres');
  [a, b] = [await replica(), await replica(1500)];
});

afterAll(async () => {
  for (const r of [a, b]) {
    r?.relay.stop();
    await r?.cluster.stop();
  }
  await db?.close();
});

describe('held calls across replicas', () => {
  it('answers a retry that lands on another replica: the answer reaches the waiting upstream, progress and the result come back', async () => {
    const upstream = async (c: McpCall) => {
      const answer = await c.downstream.hooks.onServerRequest!('elicitation/create', { message: 'name?' });
      c.downstream.hooks.onProgress?.({ progress: 1, total: 2 });
      return { content: [{ type: 'text', text: JSON.stringify(answer) }] };
    };
    const round1 = await inputBridge(a.bridge)(call(), upstream);
    expect(round1).toMatchObject({ resultType: 'input_required', inputRequests: { q1: { method: 'elicitation/create' } } });
    expect(a.bridge.held.size).toBe(1);

    const progress: unknown[] = [];
    const retry = call({ requestState: round1.requestState, inputResponses: { q1: { action: 'accept', content: { name: 'Ada' } } } }, progress);
    const done = await inputBridge(b.bridge)(retry, () => Promise.reject(new Error('a retry must not call the upstream again')));
    expect(done).toEqual({ content: [{ type: 'text', text: '{"action":"accept","content":{"name":"Ada"}}' }] });
    expect(progress).toEqual([{ progress: 1, total: 2 }]);
    expect(a.bridge.held.size).toBe(0);
  });

  it('a failure of the upstream after the answer reaches the other replica as the same upstream failure', async () => {
    const upstream = async (c: McpCall) => {
      await c.downstream.hooks.onServerRequest!('elicitation/create', { message: 'name?' });
      throw new UpstreamError('upstream_error', 'no such person', -32000, { who: 'Ada' });
    };
    const round1 = await inputBridge(a.bridge)(call(), upstream);
    const retry = call({ requestState: round1.requestState, inputResponses: { q1: { action: 'accept', content: { name: 'Ada' } } } });
    const failed = await inputBridge(b.bridge)(retry, () => Promise.reject(new Error('not again'))).catch((error) => error);
    expect(failed).toBeInstanceOf(UpstreamError);
    expect(failed).toMatchObject({ code: 'upstream_error', message: 'no such person', rpcCode: -32000, data: { who: 'Ada' } });
  });

  it('a retry for a call whose replica is gone fails clearly once its wait is over', async () => {
    const gone = await replica();
    const round1 = await inputBridge(gone.bridge)(call(), (c) => c.downstream.hooks.onServerRequest!('elicitation/create', {}).then(() => ({ content: [] })));
    gone.relay.stop();
    await gone.cluster.stop();
    const retry = call({ requestState: round1.requestState, inputResponses: { q1: { action: 'decline' } } });
    const started = Date.now();
    await expect(inputBridge(b.bridge)(retry, () => Promise.reject(new Error('not again')))).rejects.toMatchObject({ code: -32602, message: expect.stringMatching(/has ended/) });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    gone.bridge.held.close();
  });
});
