import { randomUUID } from 'node:crypto';
import { INTERNAL_ERROR, INVALID_PARAMS, ProtocolError } from '@modelcontextprotocol/server';
import { UpstreamError, type UpstreamErrorCode } from '@switchboard/core/upstream/types';
import type { Logger } from 'pino';
import type { CallResult, McpCall } from '../../pipeline/call.ts';
import { toProtocolError } from '../../pipeline/errors.ts';
import type { BridgeState, RemoteHeldCalls } from '../../pipeline/input-bridge.ts';
import type { RelayMessage } from './session-relay.ts';
import type { SessionCluster } from './session-cluster.ts';

type Hooks = McpCall['downstream']['hooks'];
type Json = Record<string, unknown>;
type Reply = Extract<RelayMessage, { k: 'held-reply' }>;
type SerializedError = NonNullable<Reply['error']>;

export interface HeldCallRelayOptions {
  cluster: Pick<SessionCluster, 'replica' | 'publish' | 'onRelay'> & { relay?: { publish(message: RelayMessage): Promise<boolean> } };
  /** Answers a retry for a call held here (pipeline/input-bridge.ts answerHeldCall). */
  serve(state: BridgeState, responses: unknown, hooks: Hooks): Promise<CallResult>;
  logger: Logger;
  /** How long a relayed retry waits for the holding replica's answer (the upstream may take as long as a call). */
  timeoutMs: number;
}

interface Pending {
  hooks: Hooks;
  resolve(result: CallResult): void;
  reject(error: unknown): void;
}

/**
 * The input bridge across replicas: a 2026-07-28 client's retry that answers a held call
 * lands on any replica (no stickiness), while the upstream call waits in the process that
 * started it. The sealed requestState names that replica; the retry's answers travel there
 * over the session relay (LISTEN/NOTIFY, large payloads through the table), the round's
 * progress and logs and its end come back. A lost message or a replica gone fails the
 * retry after `timeoutMs` with a clear error, like a call that ended.
 */
export class HeldCallRelay implements RemoteHeldCalls {
  private readonly pending = new Map<string, Pending>();
  private readonly stopListening: () => void;

  constructor(private readonly options: HeldCallRelayOptions) {
    this.stopListening = options.cluster.onRelay((message) => {
      if (message.k === 'held') void this.serveRemote(message);
      else if (message.k === 'held-reply') this.settle(message);
    });
  }

  get replica(): string {
    return this.options.cluster.replica;
  }

  answer(state: BridgeState, responses: unknown, hooks: Hooks): Promise<CallResult> {
    const relay = this.options.cluster.relay;
    if (!relay || !state.r) return Promise.reject(ended());
    const q = randomUUID();
    return new Promise<CallResult>((resolve, reject) => {
      const timer = setTimeout(() => finish(() => reject(ended())), this.options.timeoutMs);
      timer.unref();
      const finish = (then: () => void) => {
        clearTimeout(timer);
        hooks.signal?.removeEventListener('abort', gone);
        this.pending.delete(q);
        then();
      };
      const gone = () => finish(() => reject(new UpstreamError('upstream_cancelled', 'request cancelled')));
      hooks.signal?.addEventListener('abort', gone, { once: true });
      this.pending.set(q, { hooks, resolve: (result) => finish(() => resolve(result)), reject: (error) => finish(() => reject(error)) });
      const message: RelayMessage = { k: 'held', to: state.r!, reply: this.replica, q, state: { ...state }, answers: responses };
      void relay.publish(message).then((sent) => {
        if (!sent) this.pending.get(q)?.reject(ended());
      });
    });
  }

  stop(): void {
    this.stopListening();
    for (const pending of this.pending.values()) pending.reject(ended());
  }

  /** Another replica received the retry of a call held here: answer it, and send what follows back. */
  private async serveRemote(message: Extract<RelayMessage, { k: 'held' }>) {
    const reply = (fields: Omit<Reply, 'k' | 'to' | 'q'>) => this.options.cluster.publish({ k: 'held-reply', to: message.reply, q: message.q, ...fields });
    const hooks: Hooks = {
      onProgress: (progress) => reply({ progress: { ...progress } }),
      onLog: (log) => reply({ log }),
    };
    try {
      const result = await this.options.serve(message.state as unknown as BridgeState, message.answers, hooks);
      reply({ result: result as Json });
    } catch (error) {
      reply({ error: serializeError(error) });
      if (!(error instanceof ProtocolError) && !(error instanceof UpstreamError)) {
        this.options.logger.warn({ err: error }, 'a relayed answer to a held call failed');
      }
    }
  }

  private settle(message: Reply) {
    const pending = this.pending.get(message.q);
    if (!pending) return;
    if (message.progress) pending.hooks.onProgress?.(message.progress as Parameters<NonNullable<Hooks['onProgress']>>[0]);
    else if (message.log) pending.hooks.onLog?.(message.log);
    else if (message.error) pending.reject(deserializeError(message.error));
    else if (message.result) pending.resolve(message.result as CallResult);
  }
}

const ended = () => new ProtocolError(INVALID_PARAMS, 'the call these answers were for has ended (it waited too long, or its replica stopped); call it again');

/** An upstream failure keeps its kind (the audit trail and error mapping on the receiving replica read it); the rest as the client would see it. */
function serializeError(error: unknown): SerializedError {
  if (error instanceof UpstreamError) return { message: error.message, data: { upstream: error.code, rpcCode: error.rpcCode, data: error.data } };
  const mapped = toProtocolError(error) ?? new ProtocolError(INTERNAL_ERROR, 'internal error');
  return { code: mapped.code, message: mapped.message, data: mapped.data };
}

function deserializeError(error: SerializedError): Error {
  if (error.code === undefined) {
    const { upstream, rpcCode, data } = (error.data ?? {}) as { upstream?: UpstreamErrorCode; rpcCode?: number; data?: unknown };
    return new UpstreamError(upstream ?? 'upstream_unavailable', error.message, rpcCode, data);
  }
  return new ProtocolError(error.code, error.message, error.data);
}
