/**
 * The hot path to a Streamable HTTP upstream: one JSON-RPC request per POST on a
 * keep-alive node:http socket, its answer parsed straight from the response (JSON, or a
 * short event stream answering this one request). Measured against the benchmark's echo
 * upstream (same connection, alternating warm rounds), a call through the SDK client cost
 * 0.27–0.40 ms of CPU (per-request web streams, schema validation, Headers objects) and
 * 0.14–0.17 ms through this relay; in the benchmark the gateway's CPU per forwarded call
 * fell from 1.2–1.8 ms to 0.63–0.69 ms (no flush per call either). The SDK client still
 * owns the connection: it negotiates the era and session (which the relay reuses, see
 * RelaySession), keeps the GET stream, lists changes and pings, and serves every method
 * the relay does not (RELAYED_METHODS in relay-factory.ts).
 */
import { type ClientRequest, type IncomingMessage, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { errorDetail, SessionExpiredError } from './errors.ts';
import { agentFor } from './node-fetch.ts';
import { callHeaders, decodeResult, outgoingParams, type RelaySession, type RpcMessage, rpcError, sessionHeaders } from './relay-wire.ts';
import { SseReader } from './sse-reader.ts';
import { type ForwardOptions, UpstreamError } from './types.ts';

export interface RelayCallOptions extends Pick<ForwardOptions, 'signal' | 'onProgress' | 'onLog' | 'onServerRequest' | 'headers'> {
  timeoutMs: number;
  /** The progress token the connection put into `params._meta` for `onProgress`. */
  progressToken?: string;
  /** Return a 2026-07-28 `input_required` result instead of failing (see decodeResult). */
  allowInputRequired?: boolean;
}

export interface HttpRelayOptions {
  url: string;
  /** Configured upstream headers (Authorization included). */
  headers: Record<string, string>;
  session: RelaySession;
  /** Notifications on a call's stream that are not that call's (list changes, resource updates, …). */
  onNotification?(method: string, params: Record<string, unknown> | undefined): void;
}

/** One relayed call in flight. */
interface Call {
  id: string;
  method: string;
  options: RelayCallOptions;
  /** The HTTP request currently carrying the call (the POST, or a GET resuming its stream). */
  req?: ClientRequest;
  resumes: number;
  settle(error: Error | undefined, result?: Record<string, unknown>): void;
}

/** How often one call's stream may be resumed after the upstream closed it early (SEP-1699). */
const MAX_RESUMES = 3;
/** The longest `retry` hint honoured before resuming; the call's own timeout still applies. */
const MAX_RETRY_WAIT_MS = 5_000;

/** A call's own headers (ForwardOptions.headers), without empty values; spread first so the session's win. */
function extraHeaders(headers: Record<string, string | undefined> | undefined): Record<string, string> | undefined {
  if (!headers) return undefined;
  const kept: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value) kept[name.toLowerCase()] = value;
  }
  return kept;
}

export class HttpRelay {
  private readonly target: { protocol: string; hostname: string; port: string; path: string };
  private readonly send: typeof httpRequest;
  private readonly base: Record<string, string>;
  private readonly calls = new Set<Call>();
  private seq = 0;
  private closed?: Error;

  constructor(private readonly options: HttpRelayOptions) {
    const url = new URL(options.url);
    // a plain options object: parsing the URL again on every request is measurable
    this.target = { protocol: url.protocol, hostname: url.hostname.replace(/^\[|\]$/g, ''), port: url.port, path: url.pathname + url.search };
    this.send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    this.base = sessionHeaders(options.session, options.headers);
  }

  /** Fails every call in flight with `error` and refuses new ones (the connection is being torn down). */
  close(error: Error): void {
    this.closed ??= error;
    for (const call of [...this.calls]) call.settle(error);
  }

  request(method: string, params: Record<string, unknown> | undefined, options: RelayCallOptions): Promise<Record<string, unknown>> {
    if (this.closed) return Promise.reject(this.closed);
    const { session } = this.options;
    // String ids: on a 2025-era session the SDK client sends numeric ids on the same
    // session, and the upstream routes answers by id.
    const id = `sb-${++this.seq}`;
    const body = JSON.stringify({ jsonrpc: '2.0', id, method, params: outgoingParams(session, params) });
    const headers = { ...extraHeaders(options.headers), ...callHeaders(session, this.base, method, params), 'content-length': String(Buffer.byteLength(body)) };
    return new Promise((resolve, reject) => {
      let done = false;
      const call: Call = {
        id,
        method,
        options,
        resumes: 0,
        settle: (error, result) => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          options.signal?.removeEventListener('abort', onAbort);
          this.calls.delete(call);
          if (error) {
            call.req?.destroy();
            reject(error);
          } else resolve(result as Record<string, unknown>);
        },
      };
      /** Gives up on the call; a 2025-era upstream is told (2026-07-28: closing the stream is the signal). */
      const abandon = (error: UpstreamError, reason: string) => {
        if (done) return;
        if (session.era === 'legacy') this.notify('notifications/cancelled', { requestId: id, reason });
        call.settle(error);
      };
      const onAbort = () => abandon(new UpstreamError('upstream_cancelled', 'request cancelled by the client'), 'cancelled by the client');
      const timer = setTimeout(
        () => abandon(new UpstreamError('upstream_timeout', 'upstream did not answer in time'), 'timed out'),
        options.timeoutMs,
      );
      if (options.signal?.aborted) return onAbort();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.calls.add(call);
      this.exchange(call, 'POST', headers, body, true);
    });
  }

  /** Sends the call's POST (or, resuming, a GET) and reads what comes back into the call. */
  private exchange(call: Call, method: 'POST' | 'GET', headers: Record<string, string>, body: string | undefined, retry: boolean): void {
    const req = this.send({ ...this.target, method, headers, agent: agentFor(this.target.protocol) }, (res) => this.onResponse(res, call));
    call.req = req;
    req.on('error', (error: NodeJS.ErrnoException) => {
      // A kept-alive socket the server closed just as we reused it: nothing was
      // processed, so the request goes again once on a fresh socket.
      if (retry && req.reusedSocket && error.code === 'ECONNRESET') return this.exchange(call, method, headers, body, false);
      call.settle(new UpstreamError('upstream_unavailable', `cannot reach upstream: ${error.message}`));
    });
    req.end(body);
  }

  /**
   * A 2025-era upstream may end a call's stream before answering (SEP-1699 polling) and
   * expects the client to come back with `Last-Event-ID`; the SDK does the same.
   */
  private resume(call: Call, reader: SseReader): boolean {
    const { lastEventId } = reader;
    if (this.options.session.era !== 'legacy' || lastEventId === undefined || call.resumes >= MAX_RESUMES) return false;
    call.resumes += 1;
    const { 'content-type': _, 'content-length': __, ...headers } = this.base;
    setTimeout(() => {
      if (this.calls.has(call)) this.exchange(call, 'GET', { ...headers, accept: 'text/event-stream', 'last-event-id': lastEventId }, undefined, false);
    }, Math.min(reader.retryMs ?? 0, MAX_RETRY_WAIT_MS)).unref();
    return true;
  }

  private onResponse(res: IncomingMessage, call: Call): void {
    const status = res.statusCode ?? 500;
    const type = res.headers['content-type'] ?? '';
    if (status === 200 && type.startsWith('text/event-stream')) {
      const reader = new SseReader();
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => reader.push(chunk, (data) => this.onMessage(data, call)));
      res.on('end', () => {
        if (!this.calls.has(call) || this.resume(call, reader)) return;
        call.settle(new UpstreamError('upstream_unavailable', 'the upstream ended the stream without an answer'));
      });
      res.on('error', (error) => call.settle(new UpstreamError('upstream_unavailable', `upstream stream failed: ${error.message}`)));
      return;
    }
    // decoded once at the end (setEncoding would set up a string decoder per response)
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('error', (error) => call.settle(new UpstreamError('upstream_unavailable', `upstream stream failed: ${error.message}`)));
    res.on('end', () => {
      const text = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8');
      // A 2025-era session the upstream forgot: 404 as the spec says, or 400 as many servers
      // answer (server-everything after a restart), even with a JSON-RPC error for this id.
      // A valid request on a live session never gets a 400 on this era, so either means a
      // new session; the connection makes one and sends the call once more.
      if ((status === 404 || status === 400) && this.options.session.era === 'legacy' && this.options.session.sessionId) {
        call.settle(new SessionExpiredError(status, errorDetail(text)));
        return;
      }
      // JSON answers, and a 2026-07-28 upstream's 400 carrying a JSON-RPC error for this request
      if ((status === 200 && type.startsWith('application/json')) || status === 400) {
        const answer = parseAnswer(text, call.id);
        if (answer) {
          this.settleWith(answer, call);
          return;
        }
      }
      call.settle(new UpstreamError('upstream_unavailable', `upstream answered HTTP ${status}: ${text.slice(0, 200)}`));
    });
  }

  /** One message on a call's event stream: its answer, its progress or logs, a request to the client. */
  private onMessage(data: string, call: Call): void {
    const { options } = call;
    let message: RpcMessage;
    try {
      message = JSON.parse(data) as RpcMessage;
    } catch {
      return;
    }
    const params = message.params;
    if (message.method === undefined) {
      if (message.id === call.id) this.settleWith(message, call);
    } else if (message.id !== undefined && message.id !== null) {
      this.answerServerRequest(message, options);
    } else if (message.method === 'notifications/progress') {
      if (options.progressToken === undefined || params?.progressToken !== options.progressToken) return;
      const { progress, total, message: text } = params as { progress: number; total?: number; message?: string };
      options.onProgress?.({ progress, ...(total !== undefined && { total }), ...(text !== undefined && { message: text }) });
    } else if (message.method === 'notifications/message' && options.onLog) {
      options.onLog(params ?? {});
    } else {
      this.options.onNotification?.(message.method, params);
    }
  }

  private settleWith(message: RpcMessage, call: Call): void {
    try {
      if (message.error) call.settle(rpcError(message.error));
      else call.settle(undefined, decodeResult(this.options.session, call.method, message.result, call.options.allowInputRequired === true));
    } catch (error) {
      call.settle(error as Error);
    }
  }

  /**
   * A 2025-era upstream asking the client something on this call's stream (elicitation,
   * sampling): it belongs to this call, so it goes to this call's client when it can answer.
   */
  private answerServerRequest(message: RpcMessage, options: RelayCallOptions): void {
    const reply = (payload: { result: unknown } | { error: { code: number; message: string } }) =>
      this.post({ jsonrpc: '2.0', id: message.id, ...payload });
    const method = message.method as string;
    if (method === 'ping') reply({ result: {} });
    else if ((method === 'elicitation/create' || method === 'sampling/createMessage') && options.onServerRequest) {
      options.onServerRequest(method, message.params).then(
        (result) => reply({ result }),
        (error: unknown) => reply({ error: { code: -32603, message: error instanceof Error ? error.message : String(error) } }),
      );
    } else reply({ error: { code: -32601, message: `${method} cannot be answered by this client` } });
  }

  /** A notification to the upstream on this session (fire and forget). */
  private notify(method: string, params: Record<string, unknown>): void {
    this.post({ jsonrpc: '2.0', method, params: outgoingParams(this.options.session, params) });
  }

  private post(message: Record<string, unknown>): void {
    const body = JSON.stringify(message);
    const headers = { ...this.base, 'content-length': String(Buffer.byteLength(body)) };
    const req = this.send({ ...this.target, method: 'POST', headers, agent: agentFor(this.target.protocol) }, (res) => res.resume());
    req.on('error', () => {});
    req.end(body);
  }
}

/** The JSON-RPC answer with `id` in a JSON body (a single message or a batch). */
function parseAnswer(text: string, id: string): RpcMessage | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const messages = (Array.isArray(parsed) ? parsed : [parsed]) as RpcMessage[];
  return messages.find((m) => m && typeof m === 'object' && m.id === id && (m.result !== undefined || m.error !== undefined));
}
