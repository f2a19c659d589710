import { auditEvents } from '@switchboard/db/schema';
import { type Backend, backends, openTestDatabase } from '@switchboard/db/testing/test-database';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { type AuditEventInput, AuditWriter } from './audit-writer.ts';

const SERVER = '00000000-0000-4000-8000-000000000001';
const event = (name: string, extra: Partial<AuditEventInput> = {}): AuditEventInput => ({
  occurredAt: new Date(),
  virtualServerId: SERVER,
  kind: 'tool',
  exposedName: name,
  outcome: 'denied',
  durationMs: 1,
  ...extra,
});

/** Issue 20 #2: one hostile event must never stop the audit trail for everyone else. */
describe.each(backends)('audit events Postgres cannot store, on %s', (backend: Backend) => {
  it('stores a NUL (in any text, key or value) and a lone surrogate as U+FFFD, and the others beside them', async () => {
    const database = await openTestDatabase(backend);
    const writer = new AuditWriter({ db: database.db, logger: pino({ level: 'silent' }), batchSize: 50, flushIntervalMs: 60_000 });
    writer.record(event('before'));
    writer.record(event('evil\u0000tool', { userEmail: 'a\u0000@x', arguments: { 'k\u0000': ['v\u0000', '\ud800'] }, result: { text: 'r\u0000' } }));
    writer.record(event('after'));
    await writer.flush();
    const rows = await database.db.select().from(auditEvents).orderBy(auditEvents.seq);
    expect(rows.map((r) => r.exposedName)).toEqual(['before', 'evil\ufffdtool', 'after']);
    expect(rows[1]?.userEmail).toBe('a\ufffd@x');
    expect(rows[1]?.arguments).toEqual({ 'k\ufffd': ['v\ufffd', '\ufffd'] });
    expect(rows[1]?.result).toEqual({ text: 'r\ufffd' });
    expect(writer.stats()).toMatchObject({ queued: 0, written: 3, dropped: 0, deadLettered: 0 });
    // and the trail keeps flowing afterwards
    writer.record(event('later'));
    await writer.close();
    expect(await database.db.select().from(auditEvents)).toHaveLength(4);
    await database.close();
  });

  it('sets an event the database refuses aside on its own (dead letter, counted) and writes the rest of its batch', async () => {
    const database = await openTestDatabase(backend);
    const writer = new AuditWriter({ db: database.db, logger: pino({ level: 'silent' }), batchSize: 50, flushIntervalMs: 60_000 });
    writer.record(event('one'));
    writer.record(event('bad-server', { virtualServerId: 'not-a-uuid' })); // rejected by the uuid column
    writer.record(event('two'));
    await writer.flush();
    expect(writer.pending).toBe(0);
    writer.record(event('three'));
    await writer.close();
    const rows = await database.db.select().from(auditEvents).orderBy(auditEvents.seq);
    expect(rows.map((r) => r.exposedName)).toEqual(['one', 'two', 'three']);
    expect(writer.stats()).toMatchObject({ queued: 0, written: 3, deadLettered: 1 });
    await database.close();
  });
});
