import type { AdminActorKind, AdminEvent, AdminEventFilter, AdminEventListQuery } from '@switchboard/core/contracts/admin-events';
import type { Page } from '@switchboard/core/contracts/common';
import type { Executor } from '@switchboard/db/client';
import { adminEvents } from '@switchboard/db/schema';
import { and, desc, eq, gte, inArray, lt, or, type SQL } from 'drizzle-orm';
import type { ServiceContext } from './context.ts';
import { decodeSeqCursor, encodeSeqCursor } from './pagination.ts';
import { maskSecrets } from './secret-fields.ts';

/** Who made a change, as the trail names them. */
export interface AdminActor {
  kind: AdminActorKind;
  id: string | null;
  name: string;
}

/** One change, as a route or the config-file watcher reports it. */
export interface AdminChange {
  actor: AdminActor;
  action: string;
  objectType: string;
  objectId?: string | null;
  objectName?: string | null;
  before?: unknown;
  after?: unknown;
  requestId?: string | null;
}

type AdminEventRow = typeof adminEvents.$inferSelect;

/** The display name of an object as the API shows it (`name`, a user's `email`, …), if it has one. */
export function objectNameOf(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  const name = v.name ?? v.email ?? v.pattern ?? v.clientName;
  return typeof name === 'string' ? name : null;
}

/**
 * Records one change; `db` is the change's own transaction where the caller has one (the
 * admin CRUD routes), so the change and its record commit or fail together. Before and
 * after are masked again here, whatever the caller passed: no secret reaches the trail.
 */
export async function recordAdminEvent(db: Executor, change: AdminChange): Promise<void> {
  const before = change.before === undefined ? null : maskSecrets(change.before);
  const after = change.after === undefined ? null : maskSecrets(change.after);
  await db.insert(adminEvents).values({
    actorKind: change.actor.kind,
    actorId: change.actor.id,
    actorName: change.actor.name,
    action: change.action,
    objectType: change.objectType,
    objectId: change.objectId ?? null,
    objectName: change.objectName ?? objectNameOf(after) ?? objectNameOf(before),
    before,
    after,
    requestId: change.requestId ?? null,
  });
}

export const toAdminEventDto = (row: AdminEventRow): AdminEvent => ({
  seq: row.seq,
  occurredAt: row.occurredAt.toISOString(),
  actor: { kind: row.actorKind, id: row.actorId, name: row.actorName },
  action: row.action,
  object: { type: row.objectType, id: row.objectId, name: row.objectName },
  before: row.before ?? null,
  after: row.after ?? null,
  requestId: row.requestId,
});

/** The WHERE clause of the filters shared by the list and the export. */
export function adminEventWhere(filter: AdminEventFilter): SQL | undefined {
  const actor = filter.actor?.trim();
  return and(
    actor ? or(eq(adminEvents.actorId, actor), eq(adminEvents.actorName, actor)) : undefined,
    filter.objectType ? eq(adminEvents.objectType, filter.objectType) : undefined,
    filter.objectId ? eq(adminEvents.objectId, filter.objectId) : undefined,
    filter.action ? eq(adminEvents.action, filter.action) : undefined,
    filter.since ? gte(adminEvents.occurredAt, new Date(filter.since)) : undefined,
    filter.until ? lt(adminEvents.occurredAt, new Date(filter.until)) : undefined,
  );
}

/** Newest first. */
export async function listAdminEvents(ctx: ServiceContext, query: AdminEventListQuery): Promise<Page<AdminEvent>> {
  const before = decodeSeqCursor(query.cursor);
  const rows = await ctx.db
    .select()
    .from(adminEvents)
    .where(and(adminEventWhere(query), before !== undefined ? lt(adminEvents.seq, before) : undefined))
    .orderBy(desc(adminEvents.seq))
    .limit(query.limit + 1);
  const hasMore = rows.length > query.limit;
  const page = hasMore ? rows.slice(0, query.limit) : rows;
  return { items: page.map(toAdminEventDto), nextCursor: hasMore ? encodeSeqCursor(page.at(-1)!.seq) : null };
}

/** Retention (audit/retention.ts): removes changes recorded before `cutoff`, in chunks; returns how many. */
export async function deleteAdminEventsBefore(ctx: ServiceContext, cutoff: Date, chunk = 5000): Promise<number> {
  let total = 0;
  for (;;) {
    const expired = ctx.db.select({ seq: adminEvents.seq }).from(adminEvents).where(lt(adminEvents.occurredAt, cutoff)).limit(chunk);
    const deleted = await ctx.db.delete(adminEvents).where(inArray(adminEvents.seq, expired)).returning({ seq: adminEvents.seq });
    total += deleted.length;
    if (deleted.length < chunk) return total;
  }
}
