import type { SessionStore } from './session-store.ts';

/** The SDK's name of a session's standalone (GET) stream; its events are stored under it. */
export const STANDALONE_STREAM = '_GET_stream';

const encoder = new TextEncoder();
const SSE_HEADERS = {
  'Content-Type': 'text/event-stream',
  'Cache-Control': 'no-cache, no-transform',
  Connection: 'keep-alive',
  'X-Accel-Buffering': 'no',
};

type Json = Record<string, unknown>;

interface OpenStream {
  controller: ReadableStreamDefaultController<Uint8Array>;
  /** While stored events are replayed, live ones wait here (and those replayed are skipped). */
  waiting?: Array<{ id?: number; message: Json }>;
  /** The highest event id written: the client's `Last-Event-ID` if it reconnects. */
  lastId: number;
  /** Ids written on this stream (the most recent ones): an event relayed and replayed is written once. */
  written: Set<number>;
  keepAlive?: NodeJS.Timeout;
  end(): void;
}

/** How many written ids a stream remembers; duplicates arrive within moments of each other. */
const REMEMBERED_IDS = 1024;

export interface StandaloneStreamsOptions {
  store?: SessionStore;
  keepAliveMs?: number;
}

/**
 * The standalone (GET) streams of the 2025-era sessions this replica holds. Any replica
 * may produce an event for a session's stream (list_changed, resource updates, requests
 * outside a call): it is stored first (its row id is the SSE event id, one order across
 * replicas) and relayed; the replica holding the stream writes it. A client reconnecting
 * with `Last-Event-ID` — to any replica — gets what it missed from the store, then the
 * live stream. Owning this stream (not the SDK transport) is what lets one replica write
 * events another produced.
 */
export class StandaloneStreams {
  private readonly open = new Map<string, OpenStream>();

  constructor(private readonly options: StandaloneStreamsOptions) {}

  holds(sessionId: string): boolean {
    return this.open.has(sessionId);
  }

  get count() {
    return this.open.size;
  }

  /**
   * Opens the session's stream on this replica: from `lastEventId` on (what was stored
   * after it first), or from now with a priming event naming the latest stored id so a
   * reconnect loses nothing produced meanwhile (`primed`: the client's protocol takes an
   * event without data, 2025-11-25 and later).
   */
  async connect(sessionId: string, lastEventId: number | undefined, primed: boolean): Promise<Response> {
    if (this.open.has(sessionId)) {
      return Response.json({ jsonrpc: '2.0', id: null, error: { code: -32000, message: 'Conflict: Only one SSE stream is allowed per session' } }, { status: 409 });
    }
    let stream!: OpenStream;
    const readable = new ReadableStream<Uint8Array>({
      start: (controller) => {
        stream = { controller, waiting: [], lastId: lastEventId ?? 0, written: new Set(), end: () => {} };
      },
      cancel: () => this.drop(sessionId, stream),
    });
    stream.end = () => {
      this.drop(sessionId, stream);
      try {
        stream.controller.close();
      } catch {
        // already closed by the client
      }
    };
    this.open.set(sessionId, stream);
    const { store } = this.options;
    try {
      if (store && lastEventId !== undefined) {
        for (const event of await store.standaloneAfter(sessionId, STANDALONE_STREAM, lastEventId)) this.write(stream, event.id, event.message);
      } else if (store && primed) {
        const [latest] = (await store.standaloneAfter(sessionId, STANDALONE_STREAM, 0)).slice(-1);
        stream.lastId = latest?.id ?? 0;
        stream.controller.enqueue(encoder.encode(`id: ${stream.lastId}\ndata: \n\n`));
      }
    } catch {
      // the database is away: the stream starts from now (nothing stored could be read anyway)
    }
    const waiting = stream.waiting ?? [];
    stream.waiting = undefined;
    // What waited arrived after the client connected: new to it unless just replayed,
    // even where its id is below the one a priming event named.
    for (const event of waiting) this.write(stream, event.id, event.message);
    const interval = this.options.keepAliveMs ?? 15_000;
    if (interval > 0) {
      stream.keepAlive = setInterval(() => this.enqueue(stream, ': keepalive\n\n'), interval);
      stream.keepAlive.unref();
    }
    return new Response(readable, { headers: { ...SSE_HEADERS, 'mcp-session-id': sessionId } });
  }

  /** An event for the session's stream, if this replica holds it (`id` absent: it could not be stored). */
  deliver(sessionId: string, id: number | undefined, message: Json): void {
    const stream = this.open.get(sessionId);
    if (!stream) return;
    if (stream.waiting) stream.waiting.push({ id, message });
    else this.write(stream, id, message);
  }

  /** Ends the session's stream here (the client reconnects, maybe elsewhere). */
  end(sessionId: string): void {
    this.open.get(sessionId)?.end();
  }

  endAll(): void {
    for (const stream of [...this.open.values()]) stream.end();
  }

  /**
   * Writes an event once. Ids are given when events are stored, so events produced at the
   * same moment (here, or on two replicas) can arrive out of id order: a late one is still
   * written, without an id, so the client's `Last-Event-ID` never goes back (a reconnect
   * would replay what it already has).
   */
  private write(stream: OpenStream, id: number | undefined, message: Json) {
    let idLine = '';
    if (id !== undefined) {
      // replayed already, or delivered twice (relayed and stored)
      if (stream.written.has(id)) return;
      stream.written.add(id);
      if (stream.written.size > REMEMBERED_IDS) stream.written.delete(stream.written.values().next().value!);
      if (id > stream.lastId) {
        stream.lastId = id;
        idLine = `id: ${id}\n`;
      }
    }
    this.enqueue(stream, `event: message\n${idLine}data: ${JSON.stringify(message)}\n\n`);
  }

  private enqueue(stream: OpenStream, chunk: string) {
    try {
      stream.controller.enqueue(encoder.encode(chunk));
    } catch {
      stream.end();
    }
  }

  private drop(sessionId: string, stream: OpenStream) {
    clearInterval(stream.keepAlive);
    if (this.open.get(sessionId) === stream) this.open.delete(sessionId);
  }
}
