import { INTERNAL_ERROR, ProtocolError } from '@modelcontextprotocol/server';
import type { Stage } from './call.ts';

/**
 * The calls in flight in this process, so a shutdown can wait for them: graceful shutdown
 * drains every kind of session the same way (their answers may travel on a stream that
 * must stay open until then: HTTP+SSE, an SDK POST's event stream), and ends the calls
 * still running after the grace period with an error answer rather than a reset.
 */
export class InFlightCalls {
  private count = 0;
  private readonly ending = new AbortController();
  private idle?: () => void;

  get size() {
    return this.count;
  }

  /** The drain stage: counts each call, and ties it to the shutdown's cancellation. */
  stage(): Stage {
    return async (call, next) => {
      this.count++;
      const hooks = call.downstream.hooks;
      call.downstream.hooks = { ...hooks, signal: hooks.signal ? AbortSignal.any([hooks.signal, this.ending.signal]) : this.ending.signal };
      try {
        return await next();
      } catch (error) {
        // cancelled by the shutdown, not by the client: say so, so it retries elsewhere
        if (this.ending.signal.aborted && !hooks.signal?.aborted) {
          throw new ProtocolError(INTERNAL_ERROR, 'the gateway is shutting down; retry the call', { reason: 'shutdown' });
        }
        throw error;
      } finally {
        if (--this.count === 0) this.idle?.();
      }
    };
  }

  /**
   * Waits for the calls in flight to finish, up to `graceMs`; then cancels the rest (each
   * answers with an error) and waits for those answers, briefly. True when all finished in time.
   */
  async drain(graceMs: number, answerMs = 1000): Promise<boolean> {
    const finished = () => new Promise<void>((resolve) => (this.count === 0 ? resolve() : (this.idle = resolve)));
    const timeout = (ms: number) => new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), ms).unref());
    if ((await Promise.race([finished(), timeout(graceMs)])) !== 'late') return true;
    this.ending.abort(new Error('the gateway is shutting down'));
    await Promise.race([finished(), timeout(answerMs)]);
    return false;
  }
}
