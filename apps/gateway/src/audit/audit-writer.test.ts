import { auditEvents } from '@switchboard/db/schema';
import { type Backend, backends, openTestDatabase } from '@switchboard/db/testing/test-database';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { type AuditEventInput, AuditWriter } from './audit-writer.ts';

const event = (n: number): AuditEventInput => ({
  occurredAt: new Date(),
  virtualServerId: '00000000-0000-4000-8000-000000000001',
  kind: 'tool',
  exposedName: `tool_${n}`,
  outcome: 'ok',
  durationMs: n,
});

describe.each(backends)('audit writer on %s', (backend: Backend) => {
  it('writes in batches by size, off the caller, and drains everything on close', async () => {
    const database = await openTestDatabase(backend);
    const writer = new AuditWriter({ db: database.db, logger: pino({ level: 'silent' }), batchSize: 10, flushIntervalMs: 60_000 });
    for (let i = 0; i < 25; i++) writer.record(event(i)); // record() is synchronous: never awaits the database
    await writer.flush();
    expect(await database.db.select().from(auditEvents)).toHaveLength(25);
    for (let i = 25; i < 28; i++) writer.record(event(i)); // below the batch size: waits for the timer or close
    expect(writer.pending).toBe(3);
    await writer.close();
    const rows = await database.db.select().from(auditEvents).orderBy(auditEvents.seq);
    expect(rows.map((r) => r.exposedName)).toEqual(Array.from({ length: 28 }, (_, i) => `tool_${i}`));
    await database.close();
  });

  it('flushes on its interval', async () => {
    const database = await openTestDatabase(backend);
    const writer = new AuditWriter({ db: database.db, logger: pino({ level: 'silent' }), flushIntervalMs: 50 });
    writer.record(event(1));
    await new Promise((r) => setTimeout(r, 300));
    expect(await database.db.select().from(auditEvents)).toHaveLength(1);
    await writer.close();
    await database.close();
  });
});

describe('audit writer failures', () => {
  it('keeps a batch the database refused and writes it once it recovers', async () => {
    const database = await openTestDatabase('pglite');
    let failing = true;
    const db = new Proxy(database.db, {
      get(target, prop, receiver) {
        if (prop === 'execute' && failing) return () => Promise.reject(new Error('connection refused'));
        return Reflect.get(target, prop, receiver);
      },
    });
    const writer = new AuditWriter({ db, logger: pino({ level: 'silent' }), flushIntervalMs: 60_000 });
    writer.record(event(1));
    writer.record(event(2));
    await writer.flush();
    expect(writer.pending).toBe(2);
    failing = false;
    await writer.close();
    expect(await database.db.select().from(auditEvents)).toHaveLength(2);
    await database.close();
  });

  it('bounds the queue while the database is down, dropping the oldest', async () => {
    const database = await openTestDatabase('pglite');
    const db = new Proxy(database.db, {
      get: (target, prop, receiver) =>
        prop === 'execute' ? () => Promise.reject(new Error('down')) : Reflect.get(target, prop, receiver),
    });
    const writer = new AuditWriter({ db, logger: pino({ level: 'silent' }), batchSize: 1000, flushIntervalMs: 60_000, maxQueued: 5 });
    for (let i = 0; i < 8; i++) writer.record(event(i));
    expect(writer.pending).toBe(5);
    // the drop is counted where a metrics stage can read it
    expect(writer.stats()).toMatchObject({ queued: 5, dropped: 3 });
    await writer.flush();
    expect(writer.stats()).toMatchObject({ queued: 5, written: 0, failedWrites: 1 });
    await database.close();
  });

  it('logs a failing database once per interval, short, without the batch (it was ~1 MB a second)', async () => {
    const database = await openTestDatabase('pglite');
    const failing = new Proxy(database.db, {
      get: (target, prop, receiver) =>
        prop === 'execute' ? () => Promise.reject(Object.assign(new Error(`Failed query: insert … params: ${'x'.repeat(100_000)}`), { cause: new Error('connect ECONNREFUSED') })) : Reflect.get(target, prop, receiver),
    });
    const lines: string[] = [];
    const writer = new AuditWriter({ db: failing, logger: pino({ level: 'info' }, { write: (line: string) => lines.push(line) }), flushIntervalMs: 60_000 });
    for (let i = 0; i < 50; i++) writer.record({ ...event(i), arguments: { pad: 'y'.repeat(1000) } });
    for (let i = 0; i < 5; i++) await writer.flush();
    expect(writer.stats()).toMatchObject({ queued: 50, failedWrites: 5 });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.length).toBeLessThan(1000);
    expect(lines[0]).toContain('ECONNREFUSED');
    await database.close();
  });
});
