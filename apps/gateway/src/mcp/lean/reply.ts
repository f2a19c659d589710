import type { ServerResponse } from 'node:http';
import type { HeaderReader } from '../admission.ts';

/** A JSON body from a client that takes both answer forms (JSON or an event stream), as the SDK's handlers require. */
export function plainJsonPost(header: HeaderReader): boolean {
  const accept = header('accept') ?? '';
  return accept.includes('application/json') && accept.includes('text/event-stream') && (header('content-type') ?? '').startsWith('application/json');
}

/**
 * Where a lean call sends what it has to say, straight to the Node response: progress and
 * log notifications open an event stream on first use; the answer is one JSON body with a
 * length (cheaper at both ends), or the stream's last event; always with the headers
 * every answer carries.
 */
export class LeanReply {
  private streaming = false;

  constructor(
    private readonly res: ServerResponse,
    /** Headers of every answer, and this endpoint's (a 2025-era session's `Mcp-Session-Id`), as a flat list. */
    private readonly headers: string[],
  ) {}

  /** A notification before the answer. */
  send(payload: unknown): void {
    if (!this.streaming) {
      this.streaming = true;
      this.res.writeHead(200, [...this.headers, 'content-type', 'text/event-stream', 'cache-control', 'no-cache']);
    }
    this.res.write(`event: message\ndata: ${JSON.stringify(payload)}\n\n`);
  }

  end(payload: unknown): void {
    const data = JSON.stringify(payload);
    if (this.streaming) this.res.end(`event: message\ndata: ${data}\n\n`);
    else this.res.writeHead(200, [...this.headers, 'content-type', 'application/json', 'content-length', String(Buffer.byteLength(data))]).end(data);
  }
}

/** Aborts `controller` when the client goes away before its answer was written. */
export function abortOnClientGone(res: ServerResponse, controller: AbortController): void {
  res.once('close', () => {
    if (!res.writableFinished) controller.abort(new Error('client went away'));
  });
}
