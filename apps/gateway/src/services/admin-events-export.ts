import type { AdminEventExportQuery } from '@switchboard/core/contracts/admin-events';
import { adminEvents } from '@switchboard/db/schema';
import { and, asc, gt } from 'drizzle-orm';
import { adminEventWhere, toAdminEventDto } from './admin-events.ts';
import { exportLines } from './audit-export.ts';
import type { ServiceContext } from './context.ts';

/** One CSV row per change: nested fields flattened; before/after as JSON text. */
const toRow = (row: typeof adminEvents.$inferSelect) => {
  const event = toAdminEventDto(row);
  return {
    seq: event.seq,
    occurredAt: event.occurredAt,
    actorKind: event.actor.kind,
    actorId: event.actor.id,
    actorName: event.actor.name,
    action: event.action,
    objectType: event.object.type,
    objectId: event.object.id,
    objectName: event.object.name,
    before: event.before,
    after: event.after,
    requestId: event.requestId,
  };
};

const CSV_COLUMNS = ['seq', 'occurredAt', 'actorKind', 'actorId', 'actorName', 'action', 'objectType', 'objectId', 'objectName', 'before', 'after', 'requestId'] as const;

/** The matching changes, oldest first: JSON Lines carry each change as the list shows it, CSV flattened. */
export function exportAdminEvents(ctx: ServiceContext, query: AdminEventExportQuery) {
  const page = (after: number, limit: number) =>
    ctx.db.select().from(adminEvents).where(and(adminEventWhere(query), gt(adminEvents.seq, after))).orderBy(asc(adminEvents.seq)).limit(limit);
  if (query.format === 'csv') return exportLines({ format: 'csv', columns: CSV_COLUMNS, page, toItems: (rows) => rows.map(toRow) });
  return exportLines({ format: 'jsonl', columns: [], page, toItems: (rows) => rows.map(toAdminEventDto) });
}
