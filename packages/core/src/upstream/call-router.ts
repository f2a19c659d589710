/**
 * The calls in flight on one upstream connection. Each goes out on the connection's lean
 * relay when its method has one (RELAYED_METHODS), else through the SDK client; what comes
 * back for a call (progress, log messages, elicitation and sampling requests) is routed to
 * that call's callbacks. InFlightCalls holds the rule for what a 2025-era upstream sends
 * without naming its call.
 */
import type { Client } from '@modelcontextprotocol/client';
import { toUpstreamError } from './errors.ts';
import type { HttpRelay } from './http-relay.ts';
import { InFlightCalls } from './in-flight-calls.ts';
import { ProgressRouter, withProgressToken } from './progress-router.ts';
import { INPUT_REQUIRED_METHODS, RELAYED_METHODS } from './relay-factory.ts';
import { StdioRelay } from './stdio-relay.ts';
import { withCallHeaders } from './call-headers.ts';
import type { ForwardOptions } from './types.ts';
import { ANY_RESULT } from './upstream-client.ts';
import { flushNotifications } from './wait.ts';

/** One connected client and the relay built on what it negotiated. */
export interface CallTarget {
  client: Client;
  relay?: HttpRelay | StdioRelay;
}

type Notify = (method: string, params: Record<string, unknown> | undefined) => void;

export class CallRouter {
  private readonly inFlight: InFlightCalls;
  private readonly progress = new ProgressRouter();
  private seq = 0;

  /** @param oneClient every call comes from one downstream session (a dedicated connection). */
  constructor(oneClient: boolean) {
    this.inFlight = new InFlightCalls(oneClient);
  }

  get size(): number {
    return this.inFlight.size;
  }

  /** Fails every call in flight at once (the connection died or stopped). */
  rejectAll(error: Error): void {
    this.inFlight.rejectAll(error);
  }

  /**
   * Routes what `client` receives for calls. Log messages no call can take go to
   * `onOtherLog`; nothing is routed once `isCurrent` says the client was replaced.
   */
  attach(client: Client, isCurrent: () => boolean, onOtherLog: Notify): void {
    this.progress.attach(client);
    for (const method of ['elicitation/create', 'sampling/createMessage'] as const) {
      client.setRequestHandler(method, (async (request: { params?: Record<string, unknown> }) => {
        const listener = this.inFlight.serverRequestListener();
        if (!listener) throw new Error(`${method} cannot be routed to a single client here; it was declined`);
        return listener(method, request.params);
      }) as never);
    }
    client.setNotificationHandler('notifications/message', async (notification) => {
      if (!isCurrent()) return;
      const params = notification.params as Record<string, unknown>;
      const listener = this.inFlight.logListener();
      if (listener) listener(params);
      else onOtherLog(notification.method, params);
    });
  }

  async send(
    target: CallTarget,
    method: string,
    params: Record<string, unknown> | undefined,
    options: ForwardOptions & { timeoutMs: number },
  ): Promise<Record<string, unknown>> {
    const id = ++this.seq;
    const token = options.onProgress && this.progress.register(options.onProgress);
    const outgoing = token ? withProgressToken(params, token) : params;
    const relay = RELAYED_METHODS.has(method) ? target.relay : undefined;
    // On stdio, notifications read during the call still reach their handlers through the SDK.
    const passed = relay instanceof StdioRelay ? relay.passed : 0;
    try {
      return await new Promise<Record<string, unknown>>((resolve, reject) => {
        // (also for relayed calls: what the upstream sends on its GET stream is routed by these)
        this.inFlight.add(id, reject, options);
        if (relay) {
          // HTTP: progress, logs and requests to the client on the call's own stream reach this
          // call's callbacks directly and in order, so no flush is needed afterwards.
          const allowInputRequired = INPUT_REQUIRED_METHODS.has(method);
          relay.request(method, outgoing, { ...options, progressToken: token || undefined, allowInputRequired }).then(resolve, reject);
          return;
        }
        // the SDK sends notifications/cancelled upstream on abort and on timeout
        withCallHeaders(options.headers, () =>
          target.client.request({ method, params: outgoing }, ANY_RESULT, {
            timeout: options.timeoutMs,
            signal: options.signal,
            // A 2026-07-28 upstream asking for input (elicitation, sampling) answers with an
            // `input_required` result: hand it back so the gateway relays it to the one client
            // whose call it belongs to, instead of the SDK trying to fulfil it here.
            allowInputRequired: INPUT_REQUIRED_METHODS.has(method),
          }),
        ).then(resolve, reject);
      });
    } catch (error) {
      throw toUpstreamError(error, options.signal?.aborted === true);
    } finally {
      // progress or a log written just before the result may still be queued behind it
      // (on a stdio relay only if anything went the SDK's way since the call was sent)
      const mayTrail = relay === undefined || (relay instanceof StdioRelay && relay.passed !== passed);
      if (mayTrail && (token || options.onLog)) await flushNotifications();
      this.inFlight.delete(id);
      if (token) this.progress.release(token);
    }
  }
}
