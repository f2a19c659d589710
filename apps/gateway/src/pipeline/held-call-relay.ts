import { randomUUID } from 'node:crypto';
import { INTERNAL_ERROR, ProtocolError } from '@modelcontextprotocol/server';
import type { SessionCluster } from '../mcp/sessions/session-cluster.ts';
import type { CallResult, Downstream } from './call.ts';
import { toProtocolError } from './errors.ts';
import { type BridgeState, type InputBridgeOptions, type RemoteRounds, resumeHeldCall } from './input-bridge.ts';

type Hooks = Downstream['hooks'];
type Progress = Parameters<NonNullable<Hooks['onProgress']>>[0];
type Log = Parameters<NonNullable<Hooks['onLog']>>[0];

/** What replicas tell each other about a held call's round (carried by the session relay). */
export type HeldRoundMessage =
  /** A client's retry reached replica `o`; the call is held by `to`: here are its answers. */
  | { k: 'held'; to: string; o: string; c: string; st: BridgeState; a: unknown }
  /** Progress or a log line of that round, for the replica the client waits on. */
  | { k: 'held-event'; to: string; c: string; p?: Progress; l?: Log }
  /** How the round ended: the result (or the next questions), or the error for the client. */
  | { k: 'held-reply'; to: string; c: string; ok?: CallResult; err?: { code: number; message: string; data?: unknown } };

export interface HeldCallRelayOptions {
  replica: string;
  /** Sends a message to the other replicas; false when it could not be sent. */
  publish(message: HeldRoundMessage): Promise<boolean>;
  /** How long a round relayed elsewhere is waited for (a person may be typing an answer upstream's next question needs). */
  waitMs: number;
}

interface Waiting {
  hooks: Hooks;
  resolve(result: CallResult): void;
  reject(error: Error): void;
}

/**
 * Rounds of held calls across replicas: a 2026-07-28 client's retry carries a sealed state
 * naming the replica that holds the upstream call; when the load balancer sends it
 * elsewhere, that replica relays the answers to the holder over the session relay
 * (LISTEN/NOTIFY, large payloads through a table) and answers the client with what comes
 * back — the result, or the next questions with a fresh state — while the round's progress
 * and logs are relayed to it as they happen.
 */
export class HeldCallRelay implements RemoteRounds {
  private readonly waiting = new Map<string, Waiting>();
  private local?: InputBridgeOptions;

  constructor(private readonly options: HeldCallRelayOptions) {}

  get replica() {
    return this.options.replica;
  }

  /** The bridge whose held calls this replica serves for the others. */
  serve(bridge: InputBridgeOptions) {
    this.local = bridge;
  }

  resume(state: BridgeState, responses: unknown, hooks: Hooks): Promise<CallResult> {
    const c = randomUUID();
    return new Promise<CallResult>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        hooks.signal?.removeEventListener('abort', gone);
        this.waiting.delete(c);
      };
      const fail = (error: Error) => {
        done();
        reject(error);
      };
      const gone = () => fail(new ProtocolError(INTERNAL_ERROR, 'request cancelled'));
      const timer = setTimeout(() => fail(new ProtocolError(INTERNAL_ERROR, 'the replica holding this call did not answer in time; call it again')), this.options.waitMs);
      timer.unref();
      if (hooks.signal?.aborted) return gone();
      hooks.signal?.addEventListener('abort', gone, { once: true });
      this.waiting.set(c, {
        hooks,
        resolve: (result) => {
          done();
          resolve(result);
        },
        reject: fail,
      });
      void this.options.publish({ k: 'held', to: state.r, o: this.options.replica, c, st: state, a: responses }).then((sent) => {
        if (!sent) fail(new ProtocolError(INTERNAL_ERROR, 'the replica holding this call cannot be reached; call it again'));
      });
    });
  }

  /** A relay message for this replica (the session relay already dropped those for others). */
  receive(message: HeldRoundMessage): void {
    if (message.k === 'held') return void this.serveRound(message);
    const waiting = this.waiting.get(message.c);
    if (!waiting) return;
    if (message.k === 'held-event') {
      if (message.p) waiting.hooks.onProgress?.(message.p);
      if (message.l) waiting.hooks.onLog?.(message.l);
    } else if (message.ok) waiting.resolve(message.ok);
    else waiting.reject(new ProtocolError(message.err?.code ?? INTERNAL_ERROR, message.err?.message ?? 'internal error', message.err?.data));
  }

  private async serveRound({ o, c, st, a }: Extract<HeldRoundMessage, { k: 'held' }>) {
    const { publish } = this.options;
    const hooks: Hooks = {
      onProgress: (p) => void publish({ k: 'held-event', to: o, c, p }),
      onLog: (l) => void publish({ k: 'held-event', to: o, c, l }),
    };
    try {
      if (!this.local) throw new ProtocolError(INTERNAL_ERROR, 'this replica holds no calls');
      await publish({ k: 'held-reply', to: o, c, ok: await resumeHeldCall(this.local, st, a, hooks) });
    } catch (error) {
      const mapped = toProtocolError(error) ?? new ProtocolError(INTERNAL_ERROR, 'internal error');
      await publish({ k: 'held-reply', to: o, c, err: { code: mapped.code, message: mapped.message, data: mapped.data } });
    }
  }
}

/** The relay of held-call rounds over this process's session cluster; undefined without a shared database. */
export function heldCallRelay(cluster: SessionCluster | undefined, waitMs: number): HeldCallRelay | undefined {
  const relay = cluster?.relay;
  if (!cluster || !relay) return undefined;
  const rounds = new HeldCallRelay({ replica: cluster.replica, publish: (message) => relay.publish(message), waitMs });
  cluster.onRelay((message) => {
    if (message.k === 'held' || message.k === 'held-event' || message.k === 'held-reply') rounds.receive(message);
  });
  return rounds;
}
