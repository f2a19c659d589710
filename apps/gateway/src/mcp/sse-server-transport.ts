import { randomUUID } from 'node:crypto';
import {
  type AuthInfo,
  isJsonContentType,
  type JSONRPCMessage,
  parseJSONRPCMessage,
  type Transport,
} from '@modelcontextprotocol/server';
import { rpcErrorResponse } from './errors.ts';

export interface SseServerTransportOptions {
  /** Path the client POSTs its messages to; `?sessionId=…` is appended. */
  messagesPath: string;
  /** Interval of `: keepalive` comments (keeps proxies from timing out idle streams); 0 = off. */
  keepAliveMs?: number;
  /** A client that stops reading while this much is queued for it is disconnected. */
  maxBufferedBytes?: number;
}

const encoder = new TextEncoder();
const MAX_BATCH = 100;


/**
 * The old HTTP+SSE transport (protocol 2024-11-05) on web-standard `Request`/`Response`:
 * `response` is the event stream (first event `endpoint`, then one `message` event per
 * JSON-RPC message), `handlePost` takes the client's messages and answers 202. The stream
 * ends when the client goes away (the body is cancelled) or on `close()`; both run
 * `onclose` exactly once.
 */
export class SseServerTransport implements Transport {
  private lastWasNotification = false;
  readonly sessionId = randomUUID();
  readonly response: Response;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: Transport['onmessage'];

  private controller!: ReadableStreamDefaultController<Uint8Array>;
  private keepAlive?: NodeJS.Timeout;
  private started = false;
  private closed = false;

  constructor(private readonly options: SseServerTransportOptions) {
    const stream = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.controller = controller;
      },
      cancel: () => this.finish(),
    }, { highWaterMark: 0, size: (chunk) => chunk.byteLength });
    this.response = new Response(stream, {
      status: 200,
      headers: {
        'Content-Type': 'text/event-stream',
        'Cache-Control': 'no-cache, no-transform',
        'X-Accel-Buffering': 'no',
      },
    });
  }

  get isClosed() {
    return this.closed;
  }

  async start() {
    if (this.started) throw new Error('SseServerTransport already started');
    this.started = true;
    this.write(`event: endpoint\ndata: ${this.options.messagesPath}?sessionId=${this.sessionId}\n\n`);
    const interval = this.options.keepAliveMs ?? 25_000;
    if (interval > 0) {
      this.keepAlive = setInterval(() => this.write(': keepalive\n\n'), interval);
      this.keepAlive.unref();
    }
  }

  async send(message: JSONRPCMessage) {
    if (this.closed) throw new Error('SSE stream is closed');
    // Old clients dispatch notifications a microtask after responses: a progress event
    // written right before its result would reach them late and be dropped. One
    // macrotask between the two keeps them in order on the client side too.
    if ('id' in message && this.lastWasNotification) await new Promise((resolve) => setImmediate(resolve));
    this.lastWasNotification = !('id' in message);
    if (this.closed) throw new Error('SSE stream is closed');
    this.write(`event: message\ndata: ${JSON.stringify(message)}\n\n`);
  }

  async close() {
    if (this.closed) return;
    try {
      this.controller.close();
    } catch {
      // already errored or cancelled
    }
    this.finish();
  }

  /**
   * One POST of the session, its body read and parsed by the entry: JSON-RPC message(s) in,
   * 202 out; the answers travel on the stream. Client mistakes are 4xx JSON-RPC errors, never a 500.
   */
  handlePost(body: { contentType: string | null; parsed: unknown }, authInfo?: AuthInfo): Response {
    if (this.closed) return rpcErrorResponse(404, -32001, 'Session not found');
    if (!isJsonContentType(body.contentType)) {
      return rpcErrorResponse(415, -32000, 'Unsupported Media Type: Content-Type must be application/json');
    }
    const { parsed } = body;
    if (parsed === undefined) return rpcErrorResponse(400, -32700, 'Parse error: the body is not valid JSON');
    let messages: JSONRPCMessage[];
    try {
      const list = Array.isArray(parsed) ? parsed : [parsed];
      if (list.length === 0 || list.length > MAX_BATCH) throw new Error('bad batch size');
      messages = list.map((m) => parseJSONRPCMessage(m));
    } catch {
      return rpcErrorResponse(400, -32600, 'Invalid Request: not a JSON-RPC message');
    }
    for (const message of messages) this.onmessage?.(message, { authInfo });
    return new Response(null, { status: 202 });
  }

  private write(chunk: string) {
    if (this.closed) return;
    try {
      this.controller.enqueue(encoder.encode(chunk));
    } catch (error) {
      this.onerror?.(error as Error);
      this.finish();
      return;
    }
    // desiredSize is minus the bytes queued (high-water mark 0): a stalled reader is cut off.
    if (-(this.controller.desiredSize ?? 0) > (this.options.maxBufferedBytes ?? 16 * 1024 * 1024)) {
      this.onerror?.(new Error('SSE client stopped reading; closing its session'));
      void this.close();
    }
  }

  private finish() {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.keepAlive);
    this.onclose?.();
  }
}
