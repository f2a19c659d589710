import { INTERNAL_ERROR, ProtocolError } from '@modelcontextprotocol/server';
import type { CallResult, Stage } from './call.ts';

type Reject = (error: Error) => void;

/**
 * The calls in flight in this process, so a shutdown can wait for them: graceful shutdown
 * drains every kind of session the same way (their answers may travel on a stream that
 * must stay open until then: HTTP+SSE, an SDK POST's event stream), and ends the calls
 * still running after the grace period with an error answer rather than a reset.
 */
export class InFlightCalls {
  /** How to end each call in flight early (its promise's reject): a Set, no per-call signal. */
  private readonly pending = new Set<Reject>();
  private idle?: () => void;

  get size() {
    return this.pending.size;
  }

  /** The drain stage: each call is counted until it settles, and can be ended by the shutdown. */
  stage(): Stage {
    return (call, next) =>
      new Promise<CallResult>((resolve, reject) => {
        this.pending.add(reject);
        next(call).then(
          (result) => {
            this.settled(reject);
            resolve(result);
          },
          (error: unknown) => {
            this.settled(reject);
            reject(error);
          },
        );
      });
  }

  private settled(entry: Reject) {
    this.pending.delete(entry);
    if (this.pending.size === 0) this.idle?.();
  }

  /**
   * Waits for the calls in flight to finish, up to `graceMs`; then answers the rest with an
   * error saying the gateway is shutting down (their upstream requests end with the
   * upstream connections) and gives those answers `answerMs` to be written. True when all
   * finished in time.
   *
   * Once none is left it still waits `settleMs`, and again while calls keep arriving: an
   * answer is written a few ticks after its call settles (an SDK POST's event stream, an
   * HTTP+SSE session's stream), and a request admitted just before the stop may reach the
   * pipeline only now (its body read, its session restored from Postgres: on a loaded
   * machine that has taken longer than a quarter second) — closing the sessions at once
   * would cut both.
   */
  async drain(graceMs: number, answerMs = 500, settleMs = 1000): Promise<boolean> {
    const timeout = (ms: number) => new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), Math.max(0, ms)).unref());
    const deadline = Date.now() + graceMs;
    for (;;) {
      const finished = new Promise<void>((resolve) => {
        if (this.pending.size === 0) resolve();
        else this.idle = resolve;
      });
      if ((await Promise.race([finished, timeout(deadline - Date.now())])) === 'late') break;
      await timeout(Math.min(settleMs, deadline - Date.now()));
      if (this.pending.size === 0) return true;
    }
    const late = new ProtocolError(INTERNAL_ERROR, 'the gateway is shutting down; retry the call', { reason: 'shutdown' });
    for (const reject of [...this.pending]) {
      this.settled(reject);
      reject(late);
    }
    await timeout(answerMs);
    return false;
  }
}
