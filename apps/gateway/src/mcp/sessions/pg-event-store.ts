import type { EventId, EventStore, JSONRPCMessage, StreamId } from '@modelcontextprotocol/server';
import type { SessionStore } from './session-store.ts';

/**
 * Ids of request-stream events: `<stream>_<seq>`. The replica that owns a POST's stream
 * numbers its events from one process-wide counter (increasing, so in order within each
 * stream) and writes them behind the call; any replica replays them from Postgres. Ids of
 * the standalone stream are plain numbers (rows' ids: see standalone-stream.ts).
 */
const REQUEST_EVENT = /^(.+)_(\d+)$/;
let counter = Date.now() * 1000;

export const parseRequestEventId = (eventId: string) => {
  const match = REQUEST_EVENT.exec(eventId);
  return match ? { streamId: match[1]!, seq: Number(match[2]) } : undefined;
};

/**
 * The SDK transport's `EventStore` for one session's request (POST) streams, over Postgres:
 * storing costs no round trip (the id is made here, the row written in the next batch),
 * so a call never waits for — or fails with — the database.
 */
export class PgEventStore implements EventStore {
  constructor(
    private readonly sessionId: string,
    private readonly store: SessionStore,
  ) {}

  async storeEvent(streamId: StreamId, message: JSONRPCMessage): Promise<EventId> {
    const seq = ++counter;
    this.store.queueRequestEvent({ sessionId: this.sessionId, streamId, seq, message: message as Record<string, unknown> });
    return `${streamId}_${seq}`;
  }

  async getStreamIdForEventId(eventId: EventId): Promise<StreamId | undefined> {
    return parseRequestEventId(eventId)?.streamId;
  }

  async replayEventsAfter(lastEventId: EventId, { send }: { send: (eventId: EventId, message: JSONRPCMessage) => Promise<void> }): Promise<StreamId> {
    const parsed = parseRequestEventId(lastEventId);
    if (!parsed) throw new Error('not an event id of this gateway');
    for (const event of await this.store.requestEventsAfter(this.sessionId, parsed.streamId, parsed.seq)) {
      // priming events carry no message: nothing to replay
      if (Object.keys(event.message).length > 0) await send(`${parsed.streamId}_${event.seq}`, event.message as JSONRPCMessage);
    }
    return parsed.streamId;
  }
}
