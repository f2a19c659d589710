import { backends } from '@switchboard/db/testing/test-database';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '@switchboard/db/testing/test-database';
import type { DatabaseHandle } from '@switchboard/db/client';
import { serverSentEvents } from '../../testing/sse-events.ts';
import { SessionStore } from './session-store.ts';
import { STANDALONE_STREAM, StandaloneStreams } from './standalone-streams.ts';

const note = (n: number) => ({ jsonrpc: '2.0', method: 'notifications/message', params: { n } });

/** The next `count` events of a stream, as (id, n) pairs. */
async function take(events: AsyncGenerator<{ id?: string; data: { params: { n: number } } }>, count: number) {
  const seen: Array<{ id?: string; n: number }> = [];
  while (seen.length < count) {
    const { value, done } = await events.next();
    if (done) throw new Error(`the stream ended after ${seen.length} events`);
    seen.push({ ...(value.id === undefined ? {} : { id: value.id }), n: value.data.params.n });
  }
  return seen;
}

describe.each(backends)('standalone streams on %s', (backend) => {
  let database: DatabaseHandle;
  let store: SessionStore;
  beforeAll(async () => {
    database = await openTestDatabase(backend);
    store = new SessionStore({ db: database.db, logger: pino({ level: 'silent' }) });
  });
  afterAll(() => database.close());

  it('writes every event once, also those arriving out of id order, without moving Last-Event-ID back', async () => {
    const streams = new StandaloneStreams({ store, keepAliveMs: 0 });
    const session = crypto.randomUUID();
    const res = await streams.connect(session, undefined, false);
    const events = serverSentEvents(res.body!);
    // Two replicas stored 11 and 10 at the same moment; 11 reached the holder first.
    streams.deliver(session, 11, note(11));
    streams.deliver(session, 10, note(10));
    streams.deliver(session, 11, note(11)); // relayed and also read back: written once
    streams.deliver(session, 12, note(12));
    expect(await take(events, 3)).toEqual([{ id: '11', n: 11 }, { n: 10 }, { id: '12', n: 12 }]);
    streams.endAll();
  });

  it('resumes after Last-Event-ID with what was stored, then live events, none twice', async () => {
    const streams = new StandaloneStreams({ store, keepAliveMs: 0 });
    const session = crypto.randomUUID();
    const ids: number[] = [];
    for (const n of [1, 2, 3]) ids.push(await store.appendStandalone(session, STANDALONE_STREAM, note(n)));
    const opening = streams.connect(session, ids[0], false);
    // arrives live while the stored events are read: written once, after them
    streams.deliver(session, ids[2]!, note(3));
    const events = serverSentEvents((await opening).body!);
    const late = await store.appendStandalone(session, STANDALONE_STREAM, note(4));
    streams.deliver(session, late, note(4));
    expect(await take(events, 3)).toEqual([
      { id: String(ids[1]), n: 2 },
      { id: String(ids[2]), n: 3 },
      { id: String(late), n: 4 },
    ]);
    expect(streams.holds(session)).toBe(true);
    streams.end(session);
    expect(streams.holds(session)).toBe(false);
  });

  it('primes a new stream with the latest stored id and still writes what arrives after it opened', async () => {
    const streams = new StandaloneStreams({ store, keepAliveMs: 0 });
    const session = crypto.randomUUID();
    const before = await store.appendStandalone(session, STANDALONE_STREAM, note(1));
    const racing = await store.appendStandalone(session, STANDALONE_STREAM, note(2));
    const opening = streams.connect(session, undefined, true);
    // stored before the priming read, relayed after the stream opened: the client never had it
    streams.deliver(session, racing, note(2));
    const res = await opening;
    const text = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let received = '';
    while (!received.includes('"n":2')) received += (await text.read()).value;
    expect(received).toContain(`id: ${racing}\ndata: \n\n`);
    expect(received).not.toContain('"n":1');
    expect(before).toBeLessThan(racing);
    streams.endAll();
  });
});
