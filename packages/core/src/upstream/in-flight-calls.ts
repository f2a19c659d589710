/**
 * The requests in flight on one upstream connection, and the rule for what a 2025-era
 * upstream sends without naming the request it belongs to (log messages, and elicitation
 * or sampling requests on stdio and legacy SSE): which call's client may receive it.
 */
import type { ForwardOptions } from './types.ts';

type LogListener = NonNullable<ForwardOptions['onLog']>;
type ServerRequestListener = NonNullable<ForwardOptions['onServerRequest']>;

export class InFlightCalls {
  private readonly rejects = new Map<number, (error: Error) => void>();
  private readonly logs = new Map<number, LogListener>();
  private readonly serverRequests = new Map<number, ServerRequestListener>();

  /**
   * @param oneClient every call on this connection comes from the same downstream session
   * (a dedicated connection, see isolated-connections.ts), so any of its calls may take it.
   */
  constructor(private readonly oneClient = false) {}

  get size(): number {
    return this.rejects.size;
  }

  /** `reject` is how a dead connection fails the call at once instead of leaving it hanging. */
  add(id: number, reject: (error: Error) => void, options: ForwardOptions): void {
    this.rejects.set(id, reject);
    if (options.onLog) this.logs.set(id, options.onLog);
    if (options.onServerRequest) this.serverRequests.set(id, options.onServerRequest);
  }

  delete(id: number): void {
    this.rejects.delete(id);
    this.logs.delete(id);
    this.serverRequests.delete(id);
  }

  rejectAll(error: Error): void {
    for (const reject of this.rejects.values()) reject(error);
    this.rejects.clear();
  }

  /** Who gets an unattributed log message; undefined: nobody's call (the connection's onNotification). */
  logListener(): LogListener | undefined {
    return this.sole(this.logs);
  }

  /** Who answers an unattributed request to the client; undefined: it must be declined. */
  serverRequestListener(): ServerRequestListener | undefined {
    return this.sole(this.serverRequests);
  }

  private sole<T>(listeners: Map<number, T>): T | undefined {
    // On a shared connection, only when exactly one request is in flight can the message be
    // its (and no one else's): guessing would hand a person's prompt or answer to a stranger.
    if (!this.oneClient && this.rejects.size !== 1) return undefined;
    return listeners.values().next().value;
  }
}
