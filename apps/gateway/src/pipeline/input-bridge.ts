import { createHash } from 'node:crypto';
import { INVALID_PARAMS, ProtocolError, type RequestStateCodec } from '@modelcontextprotocol/server';
import type { CallResult, McpCall, Stage } from './call.ts';
import { HeldCall, type HeldCalls } from './held-calls.ts';

/** What the gateway's own `requestState` carries (sealed by the codec: the client cannot forge or alter it). */
export interface BridgeState {
  /** The held call. */
  h: string;
  /** Whose it is (a hash of the caller's principal key). */
  o: string;
  /** What was called, so an answer is not replayed onto another tool. */
  n: string;
  /** The replica holding the call (absent: this process, or a gateway without replicas). */
  r?: string;
}

type Hooks = McpCall['downstream']['hooks'];

/** Held calls of the other replicas: a retry that lands here is answered by the replica holding its call. */
export interface RemoteHeldCalls {
  /** This replica's name, written into the requestState of the calls it holds. */
  readonly replica: string;
  /** Delivers the client's answers to `state`'s call on `state.r`; resolves with what it answered (hooks get the round's progress and logs). */
  answer(state: BridgeState, responses: unknown, hooks: Hooks): Promise<CallResult>;
}

export interface InputBridgeOptions {
  held: HeldCalls;
  codec: RequestStateCodec<BridgeState>;
  /** Replicas only: where the calls held elsewhere are answered. */
  remote?: RemoteHeldCalls;
}

const ownerOf = (call: McpCall) => createHash('sha256').update(call.caller.principal.key).digest('base64url').slice(0, 22);
const target = (call: McpCall) => `${call.kind}:${call.name}`;

/** Whether the client said it can answer what a 2025-era upstream may ask during a call. */
function canAnswer(call: McpCall): boolean {
  const capabilities = call.downstream.clientCapabilities;
  return capabilities !== undefined && (capabilities.elicitation !== undefined || capabilities.sampling !== undefined);
}

/**
 * The input bridge (issue 19): a 2025-era upstream asks its client for input (elicitation,
 * sampling) in the middle of a call, while a 2026-07-28 client can only be asked through an
 * `input_required` result it answers by calling again. So for a modern caller that can
 * answer, the upstream call is held (HeldCall): the client gets `input_required` with the
 * upstream's questions and a sealed `requestState`; its retry — same caller, same tool —
 * delivers the answers to the waiting upstream and gets the final result, or the next
 * round of questions. Held calls are bounded in number and time (HeldCalls).
 *
 * A `requestState` that is not the gateway's (a 2026-07-28 upstream's own) travels on
 * upstream untouched. A 2026 upstream answers `input_required` itself: that passes through.
 */
/**
 * Waits for the held call's next step: its final result, or the next questions as an
 * `input_required` result with a new sealed state (the call kept for the client's retry).
 */
async function nextStep(options: InputBridgeOptions, held: HeldCall, state: Omit<BridgeState, 'h' | 'r'>, registered: boolean): Promise<CallResult> {
  let next: Awaited<ReturnType<HeldCall['next']>>;
  try {
    next = await held.next();
  } catch (error) {
    if (registered) options.held.forget(held, 'the call ended');
    throw error;
  }
  if (next.done) {
    if (registered) options.held.forget(held, 'the call ended');
    return next.result;
  }
  if (!registered) options.held.add(held, state.o);
  options.held.settle(held);
  const requestState = await options.codec.mint({ h: held.id, o: state.o, n: state.n, ...(options.remote && { r: options.remote.replica }) });
  return { resultType: 'input_required', inputRequests: next.asks, requestState };
}

/**
 * A client's retry for a call held in this process (its state verified and its owner
 * checked by whoever received the retry): the answers go to the waiting upstream, and
 * what it does next comes back. Also serves retries other replicas relay here.
 */
export function answerHeldCall(options: InputBridgeOptions, state: BridgeState, responses: unknown, hooks: Hooks): Promise<CallResult> {
  const held = options.held.take(state.h, state.o);
  if (!held) throw new ProtocolError(INVALID_PARAMS, 'the call these answers were for has ended (it waited too long, or the gateway restarted); call it again');
  held.enterRound(hooks);
  if (responses && typeof responses === 'object') held.answer(responses as Record<string, unknown>);
  return nextStep(options, held, state, true);
}

export function inputBridge(options: InputBridgeOptions): Stage {
  return async (call, next) => {
    if (call.era !== 'modern') return next(call);
    const state = call.params.requestState;
    const mine = typeof state === 'string' ? await options.codec.verify(state, undefined as never).catch(() => undefined) : undefined;
    if (mine) {
      if (mine.o !== ownerOf(call) || mine.n !== target(call)) throw new ProtocolError(INVALID_PARAMS, 'requestState belongs to another call');
      // held by another replica (no stickiness: the retry lands anywhere): answered there
      if (mine.r && options.remote && mine.r !== options.remote.replica) return options.remote.answer(mine, call.params.inputResponses, call.downstream.hooks);
      return answerHeldCall(options, mine, call.params.inputResponses, call.downstream.hooks);
    }
    if (!canAnswer(call) || options.held.full) return next(call);

    const first = call.downstream.hooks.signal;
    const held = new HeldCall(call.downstream.hooks);
    // until the first answer the call belongs to its request: a client that goes away takes it along
    const gone = () => held.abandon('the client went away');
    first?.addEventListener('abort', gone, { once: true });
    // One connection of its own per person on upstreams that cannot tie a question to its call
    // (stdio, legacy SSE), as 2025-era sessions get one per session.
    held.run(() => next({ ...call, downstream: { ...call.downstream, hooks: held.hooks(`person:${call.caller.principal.key}`) } }));
    try {
      return await nextStep(options, held, { o: ownerOf(call), n: target(call) }, false);
    } finally {
      first?.removeEventListener('abort', gone);
    }
  };
}
