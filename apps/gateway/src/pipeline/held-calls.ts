import { randomUUID } from 'node:crypto';
import type { CallResult, Downstream } from './call.ts';

type Hooks = Downstream['hooks'];

/** A request the upstream made of the client during a held call, until the client answers it. */
interface Ask {
  request: { method: string; params: Record<string, unknown> | undefined };
  resolve(result: Record<string, unknown>): void;
  reject(error: Error): void;
}

/** What a held call tells its caller next: the final answer, or the questions to put to the client. */
export type NextAnswer = { done: true; result: CallResult } | { done: false; asks: Record<string, Ask['request']> };

/**
 * One upstream call kept running while a stateless (2026-07-28) client answers the
 * upstream's questions in rounds: each round the client gets the open questions (an
 * `input_required` result) and comes back with the answers in a retried request. The
 * upstream's progress and logs go to whichever round is current; the call has its own
 * cancellation (the first request's connection ends normally after each round).
 */
export class HeldCall {
  readonly id = randomUUID();
  readonly controller = new AbortController();
  private readonly asks = new Map<string, Ask>();
  private seq = 0;
  private outcome?: { ok: true; result: CallResult } | { ok: false; error: unknown };
  private wake?: () => void;
  private round: Hooks;

  constructor(first: Hooks) {
    this.round = first;
  }

  /** The hooks the upstream call runs with: its questions held here, the rest to the current round. */
  hooks(isolationKey: string): Hooks {
    return {
      signal: this.controller.signal,
      onProgress: (progress) => this.round.onProgress?.(progress),
      onLog: (log) => this.round.onLog?.(log),
      onServerRequest: (method, params) => this.ask(method, params),
      isolationKey,
    };
  }

  /** Runs the upstream call; its end wakes whoever waits for the next answer. */
  run(call: () => Promise<CallResult>): void {
    call().then(
      (result) => this.settle({ ok: true, result }),
      (error) => this.settle({ ok: false, error }),
    );
  }

  /** A new round (the client's retry): its hooks take the progress and logs from now on. */
  enterRound(hooks: Hooks): void {
    this.round = hooks;
  }

  /** Delivers the client's answers (keyed as asked); an answer to nothing open is ignored. */
  answer(responses: Record<string, unknown>): void {
    for (const [key, response] of Object.entries(responses)) {
      const ask = this.asks.get(key);
      if (!ask || typeof response !== 'object' || response === null) continue;
      this.asks.delete(key);
      ask.resolve(response as Record<string, unknown>);
    }
  }

  /** Waits until the call ends (its answer) or has questions the client has not answered. */
  async next(): Promise<NextAnswer> {
    for (;;) {
      if (this.asks.size > 0) return { done: false, asks: Object.fromEntries([...this.asks].map(([key, ask]) => [key, ask.request])) };
      if (this.outcome) {
        if (this.outcome.ok) return { done: true, result: this.outcome.result };
        throw this.outcome.error;
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  /** Ends the call: the upstream's open questions fail and the call is cancelled. */
  abandon(reason: string): void {
    const error = new Error(reason);
    for (const ask of this.asks.values()) ask.reject(error);
    this.asks.clear();
    this.controller.abort(error);
  }

  get finished(): boolean {
    return this.outcome !== undefined;
  }

  private ask(method: string, params: Record<string, unknown> | undefined): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      this.asks.set(`q${++this.seq}`, { request: { method, params }, resolve, reject });
      this.wakeUp();
    });
  }

  private settle(outcome: NonNullable<HeldCall['outcome']>) {
    this.outcome = outcome;
    // questions the ended call still had open have no one to answer to any more
    for (const ask of this.asks.values()) ask.reject(new Error('the call ended'));
    this.asks.clear();
    this.wakeUp();
  }

  private wakeUp() {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

export interface HeldCallsOptions {
  /** A held call no client came back for within this long is abandoned. */
  ttlMs: number;
  /** At most this many held at once in this process; beyond, calls are not bridged. */
  max: number;
}

/** The held calls of this process, by id, each for as long as its client may come back. */
export class HeldCalls {
  private readonly calls = new Map<string, { call: HeldCall; owner: string; timer?: NodeJS.Timeout }>();

  constructor(readonly options: HeldCallsOptions) {}

  get size(): number {
    return this.calls.size;
  }

  get full(): boolean {
    return this.calls.size >= this.options.max;
  }

  add(call: HeldCall, owner: string): void {
    this.calls.set(call.id, { call, owner });
  }

  /** The held call `id` if `owner` started it; it stops waiting for its client meanwhile. */
  take(id: string, owner: string): HeldCall | undefined {
    const entry = this.calls.get(id);
    if (!entry || entry.owner !== owner) return undefined;
    clearTimeout(entry.timer);
    entry.timer = undefined;
    return entry.call;
  }

  /** After a round: kept for its client's retry (for `ttlMs`), or forgotten once it has ended. */
  settle(call: HeldCall): void {
    const entry = this.calls.get(call.id);
    if (!entry) return;
    if (call.finished) {
      this.forget(call, 'the call ended');
      return;
    }
    clearTimeout(entry.timer);
    entry.timer = setTimeout(() => this.forget(call, 'the client did not answer the upstream in time'), this.options.ttlMs);
    entry.timer.unref();
  }

  forget(call: HeldCall, reason: string): void {
    const entry = this.calls.get(call.id);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.calls.delete(call.id);
    if (!call.finished) call.abandon(reason);
  }

  close(): void {
    for (const { call } of [...this.calls.values()]) this.forget(call, 'the gateway is shutting down');
  }
}
