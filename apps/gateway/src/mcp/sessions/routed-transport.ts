import type {
  JSONRPCMessage,
  MessageExtraInfo,
  Transport,
  TransportSendOptions,
  WebStandardStreamableHTTPServerTransport,
} from '@modelcontextprotocol/server';

type Json = Record<string, unknown>;

/** Where a session's copy on this replica sends what the SDK transport cannot deliver itself. */
export interface RoutedTransportHooks {
  /** This replica's name (prefixes the ids of server→client requests made here). */
  replica: string;
  /** A message for the session's standalone stream, wherever it is held. */
  standalone(message: Json): void;
  /** The client answered a request another replica sent: relay it there. */
  answerElsewhere(replica: string, message: Json): void;
  /** The client cancelled a request: every replica running it should stop. */
  cancelled(message: Json): void;
}

let serials = 0;
const OUR_ID = /^([^~]+)~(\d+)~(\d+)$/;

const isResponse = (m: Json) => 'id' in m && !('method' in m);
const isRequest = (m: Json) => 'id' in m && 'method' in m;

/**
 * The SDK transport of one session's copy on this replica, as its `Server` sees it. Copies
 * of a session on several replicas share one client, so what they send and receive is
 * routed: a server→client request gets an id naming this replica and copy
 * (`<replica>~<copy>~<n>`), and the client's answer — POSTed to any replica — is relayed
 * back to it; messages outside any request (list_changed, updates) go to the session's
 * standalone stream, wherever it is held; everything tied to a request travels on that
 * request's own stream, here.
 */
export class RoutedTransport implements Transport {
  readonly serial = ++serials;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: Transport['onmessage'];

  constructor(
    readonly inner: WebStandardStreamableHTTPServerTransport,
    private readonly hooks: RoutedTransportHooks,
  ) {
    inner.onclose = () => this.onclose?.();
    inner.onerror = (error) => this.onerror?.(error);
    inner.onmessage = (message, extra) => this.received(message, extra);
  }

  get sessionId() {
    return this.inner.sessionId;
  }

  setSupportedProtocolVersions(versions: string[]) {
    this.inner.setSupportedProtocolVersions(versions);
  }

  start() {
    return this.inner.start();
  }

  close() {
    return this.inner.close();
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    const json = message as Json;
    const outgoing = isRequest(json) ? ({ ...json, id: `${this.hooks.replica}~${this.serial}~${String(json.id)}` } as JSONRPCMessage) : message;
    if (options?.relatedRequestId === undefined && !isResponse(json)) return this.hooks.standalone(outgoing as Json);
    return this.inner.send(outgoing, options);
  }

  /** An answer relayed from the replica the client POSTed it to. */
  deliverAnswer(message: Json): void {
    this.received(message as JSONRPCMessage);
  }

  /** A cancellation relayed from another replica: stops the request if it runs here. */
  deliverCancel(message: Json): void {
    this.onmessage?.(message as JSONRPCMessage);
  }

  private received(message: JSONRPCMessage, extra?: MessageExtraInfo) {
    const json = message as Json;
    if (isResponse(json) && typeof json.id === 'string') {
      const ours = OUR_ID.exec(json.id);
      if (ours) {
        const [, replica, serial, n] = ours;
        if (replica !== this.hooks.replica) return this.hooks.answerElsewhere(replica!, json);
        // an answer to an earlier copy of this session here (since closed): nobody waits for it
        if (Number(serial) !== this.serial) return;
        return this.onmessage?.({ ...json, id: Number(n) } as JSONRPCMessage, extra);
      }
    }
    if (json.method === 'notifications/cancelled') this.hooks.cancelled(json);
    this.onmessage?.(message, extra);
  }
}
