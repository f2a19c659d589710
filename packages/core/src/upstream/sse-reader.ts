/**
 * An incremental `text/event-stream` parser for the relay (see http-relay.ts): it turns
 * chunks into the `data` of complete `message` events. Written by hand because the web
 * streams pipeline the SDK uses (TextDecoderStream → EventSourceParserStream) costs more
 * per short answer than the rest of a relayed call.
 */
export class SseReader {
  private buffer = '';
  private data: string[] = [];
  private event = '';
  /** The last event id seen: where a resumed stream (GET with `Last-Event-ID`) picks up. */
  lastEventId?: string;
  /** The server's `retry` hint (ms) for reconnecting. */
  retryMs?: number;

  /** Feeds one chunk; calls `onData` for each complete event with data, in order. */
  push(chunk: string, onData: (data: string) => void): void {
    this.buffer += chunk;
    let start = 0;
    for (;;) {
      const end = this.buffer.indexOf('\n', start);
      if (end < 0) break;
      let line = this.buffer.slice(start, end);
      start = end + 1;
      if (line.endsWith('\r')) line = line.slice(0, -1);
      this.line(line, onData);
    }
    this.buffer = this.buffer.slice(start);
  }

  private line(line: string, onData: (data: string) => void): void {
    if (line === '') {
      // An empty line ends the event. Events without data (priming events that only carry
      // an id, keep-alive comments) and events of other types are not messages.
      const data = this.data.join('\n');
      const isMessage = this.event === '' || this.event === 'message';
      this.data = [];
      this.event = '';
      if (data !== '' && isMessage) onData(data);
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id' && !value.includes('\0')) this.lastEventId = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retryMs = Number(value);
  }
}
