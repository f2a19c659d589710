/**
 * The relay's (http-relay.ts) view of a `text/event-stream` body: the `data` of complete
 * `message` events, plus the last event id and `retry` hint a resumed stream needs. The
 * parsing is `eventsource-parser`'s, used directly (`createParser().feed`) rather than
 * through the web streams pipeline the SDK builds (TextDecoderStream →
 * EventSourceParserStream), which costs more per short answer than the rest of a relayed
 * call. Measured against the hand-written parser it replaces: 1.3–1.7 µs vs 0.55 µs per
 * short answer, parser set-up included, well under 1 % of a relayed call.
 */
import { createParser, type EventSourceMessage, type EventSourceParser } from 'eventsource-parser';

export class SseReader {
  private readonly parser: EventSourceParser;
  private onData: (data: string) => void = () => {};
  /** The last event id seen: where a resumed stream (GET with `Last-Event-ID`) picks up. */
  lastEventId?: string;
  /** The server's `retry` hint (ms) for reconnecting. */
  retryMs?: number;

  constructor() {
    this.parser = createParser({
      onEvent: (event) => this.event(event),
      onRetry: (ms) => {
        this.retryMs = ms;
      },
    });
  }

  /** Feeds one chunk; calls `onData` for each complete event with data, in order. */
  push(chunk: string, onData: (data: string) => void): void {
    this.onData = onData;
    this.parser.feed(chunk);
  }

  private event({ id, event, data }: EventSourceMessage): void {
    if (id !== undefined) this.lastEventId = id;
    // Events without data (the priming event that only carries an id) and events of other
    // types are not messages.
    if (data !== '' && (event === undefined || event === 'message')) this.onData(data);
  }
}
