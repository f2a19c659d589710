import type { AuditEvent, AuditFilter, AuditListQuery } from '@switchboard/core/contracts/audit-events';
import type { Page } from '@switchboard/core/contracts/common';
import { auditEvents } from '@switchboard/db/schema';
import { and, desc, eq, gte, inArray, lt, type SQL } from 'drizzle-orm';
import { clientWhere, withClientNames } from './audit-clients.ts';
import type { ServiceContext } from './context.ts';
import { decodeSeqCursor, encodeSeqCursor, searchWhere } from './pagination.ts';

type AuditRow = typeof auditEvents.$inferSelect;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const toAuditDto = (row: AuditRow): AuditEvent => ({
  seq: row.seq,
  occurredAt: row.occurredAt.toISOString(),
  userId: row.userId,
  userEmail: row.userEmail,
  clientId: row.clientId,
  clientName: null, // looked up per page (withClientNames)
  actor: row.actor,
  virtualServerId: row.virtualServerId,
  kind: row.kind,
  exposedName: row.exposedName,
  upstreamName: row.upstreamName,
  upstreamItem: row.upstreamItem,
  outcome: row.outcome,
  durationMs: row.durationMs,
  errorCode: row.errorCode,
  credentialMode: row.credentialMode,
  arguments: row.arguments ?? null,
  result: row.result ?? null,
});

/** The WHERE clause of the filters shared by list, export and stats. `user` is an id or an email. */
export function auditWhere(filter: AuditFilter): SQL | undefined {
  const user = filter.user?.trim();
  return and(
    user ? (UUID.test(user) ? eq(auditEvents.userId, user.toLowerCase()) : eq(auditEvents.userEmail, user.toLowerCase())) : undefined,
    filter.virtualServer ? eq(auditEvents.virtualServerId, filter.virtualServer) : undefined,
    filter.tool ? searchWhere(filter.tool, auditEvents.exposedName) : undefined,
    filter.client ? clientWhere(filter.client) : undefined,
    filter.kind ? eq(auditEvents.kind, filter.kind) : undefined,
    filter.outcome ? eq(auditEvents.outcome, filter.outcome) : undefined,
    filter.from ? gte(auditEvents.occurredAt, new Date(filter.from)) : undefined,
    filter.to ? lt(auditEvents.occurredAt, new Date(filter.to)) : undefined,
  );
}


/** Newest first. */
export async function listAuditEvents(ctx: ServiceContext, query: AuditListQuery): Promise<Page<AuditEvent>> {
  const before = decodeSeqCursor(query.cursor);
  const rows = await ctx.db
    .select()
    .from(auditEvents)
    .where(and(auditWhere(query), before !== undefined ? lt(auditEvents.seq, before) : undefined))
    .orderBy(desc(auditEvents.seq))
    .limit(query.limit + 1);
  const hasMore = rows.length > query.limit;
  const page = hasMore ? rows.slice(0, query.limit) : rows;
  return { items: await withClientNames(ctx, page.map(toAuditDto)), nextCursor: hasMore ? encodeSeqCursor(page.at(-1)!.seq) : null };
}

/**
 * Retention: removes events that occurred before `cutoff`; returns how many. Deletes in
 * chunks so a first cleanup of a large table neither holds one huge transaction nor
 * buffers every deleted key.
 */
export async function deleteAuditEventsBefore(ctx: ServiceContext, cutoff: Date, chunk = 5000): Promise<number> {
  let total = 0;
  for (;;) {
    const expired = ctx.db.select({ seq: auditEvents.seq }).from(auditEvents).where(lt(auditEvents.occurredAt, cutoff)).limit(chunk);
    const deleted = await ctx.db.delete(auditEvents).where(inArray(auditEvents.seq, expired)).returning({ seq: auditEvents.seq });
    total += deleted.length;
    if (deleted.length < chunk) return total;
  }
}
