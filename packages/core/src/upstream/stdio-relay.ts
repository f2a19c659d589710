/**
 * The hot path to a stdio upstream, the counterpart of http-relay.ts: a relayed request
 * is written to the child's stdin as one JSON-RPC line with an id of ours, and its answer
 * is picked out of stdout before the SDK sees it. Profiling the benchmark showed the SDK
 * client spending ~18% of the gateway's CPU per stdio call on validating every line with
 * its zod message schema, request bookkeeping and the generic result codec; the relay
 * parses an answer once and checks only what the engine relies on (decodeResult / rpcError,
 * as for HTTP). Everything else on the wire (notifications, requests to the client, the
 * SDK's own requests and their answers) still goes through the SDK, validated as before.
 */
import type { JSONRPCMessage } from '@modelcontextprotocol/client';
import type { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { unavailable } from './errors.ts';
import type { RelayCallOptions } from './http-relay.ts';
import { decodeResult, outgoingParams, type RelaySession, type RpcMessage, rpcError } from './relay-wire.ts';
import type { StdioReader } from './stdio-reader.ts';
import { UpstreamError } from './types.ts';

interface Call {
  method: string;
  allowInputRequired: boolean;
  resolve(result: Record<string, unknown>): void;
  reject(error: Error): void;
}

/** Our ids are strings; the SDK numbers its own requests on the same pipe, so the two never meet. */
const ID_PREFIX = 'sb-';

export class StdioRelay {
  private readonly calls = new Map<string, Call>();
  private seq = 0;
  private closed?: Error;
  /**
   * Messages handed on to the SDK so far. The SDK dispatches notifications a microtask
   * after reading them, our answers settle at once: a caller that wants progress or logs
   * needs to yield before finishing only when something was handed on during its call.
   */
  passed = 0;

  private constructor(
    private readonly transport: StdioClientTransport,
    private readonly session: RelaySession,
  ) {}

  /**
   * A relay on the SDK's stdio transport, reading through `reader` (stdio-reader.ts), or
   * undefined when that reader could not take the transport over: then every call stays on
   * the SDK. Requests go out through the transport's public `send` (which coalesces the
   * writes of one event-loop turn, see transport-factory.ts).
   */
  static attach(transport: StdioClientTransport, reader: StdioReader | undefined, session: RelaySession): StdioRelay | undefined {
    if (!reader?.active) return undefined;
    const relay = new StdioRelay(transport, session);
    reader.intercept = (message) => {
      if (relay.take(message)) return true;
      relay.passed += 1;
      return false;
    };
    return relay;
  }

  /** Fails every call in flight with `error` and refuses new ones (the connection is being torn down). */
  close(error: Error): void {
    this.closed ??= error;
    for (const call of [...this.calls.values()]) call.reject(error);
  }

  request(method: string, params: Record<string, unknown> | undefined, options: RelayCallOptions): Promise<Record<string, unknown>> {
    if (this.closed) return Promise.reject(this.closed);
    const id = `${ID_PREFIX}${++this.seq}`;
    const { signal } = options;
    return new Promise((resolve, reject) => {
      const finish = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.calls.delete(id);
      };
      const abandon = (error: UpstreamError, reason: string) => {
        if (!this.calls.has(id)) return;
        finish();
        // as the SDK does on stdio (both eras): the upstream may stop working on it
        this.write({ jsonrpc: '2.0', method: 'notifications/cancelled', params: outgoingParams(this.session, { requestId: id, reason }) });
        reject(error);
      };
      const onAbort = () => abandon(new UpstreamError('upstream_cancelled', 'request cancelled by the client'), 'cancelled by the client');
      const timer = setTimeout(
        () => abandon(new UpstreamError('upstream_timeout', 'upstream did not answer in time'), 'timed out'),
        options.timeoutMs,
      );
      this.calls.set(id, {
        method,
        allowInputRequired: options.allowInputRequired === true,
        resolve: (result) => {
          finish();
          resolve(result);
        },
        reject: (error) => {
          finish();
          reject(error);
        },
      });
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.write({ jsonrpc: '2.0', id, method, params: outgoingParams(this.session, params) });
    });
  }

  /** Settles the call `message` answers; false when it is not one of ours (the SDK's, or not an answer). */
  private take(message: RpcMessage): boolean {
    if (typeof message !== 'object' || message === null || message.method !== undefined) return false;
    const { id } = message;
    if (typeof id !== 'string' || !id.startsWith(ID_PREFIX)) return false;
    const call = this.calls.get(id);
    // an answer after we gave up (timeout, cancel) is dropped, like the SDK drops unknown ids
    if (!call) return true;
    try {
      if (message.error) call.reject(rpcError(message.error));
      else if (message.result === undefined) call.reject(new UpstreamError('upstream_error', 'Invalid response: neither result nor error', -32603));
      else call.resolve(decodeResult(this.session, call.method, message.result, call.allowInputRequired));
    } catch (error) {
      call.reject(error as Error);
    }
    return true;
  }

  /**
   * One message to the child. A write that fails (the process is gone, or params that
   * cannot be serialised: nothing was sent) fails the call it carries, if any.
   */
  private write(message: Record<string, unknown>): void {
    this.transport.send(message as JSONRPCMessage).catch((error: unknown) => {
      const call = typeof message.id === 'string' ? this.calls.get(message.id) : undefined;
      call?.reject(error instanceof Error ? error : unavailable(String(error)));
    });
  }
}
