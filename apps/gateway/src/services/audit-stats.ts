import type { AuditStats } from '@switchboard/core/contracts/audit-events';
import { auditEvents } from '@switchboard/db/schema';
import { and, desc, eq, gte, sql } from 'drizzle-orm';
import type { ServiceContext } from './context.ts';
import { toAuditDto } from './audit-events.ts';

const MINUTE = 60_000;
const RECENT_DENIED = 20;

/**
 * Calls per minute over the last `minutes` (the current, partial minute included), split
 * into failures and denials, plus the latest denied calls: one grouped query, one list.
 */
export async function auditStats(ctx: ServiceContext, minutes: number, now = new Date()): Promise<AuditStats> {
  const current = Math.floor(now.getTime() / MINUTE) * MINUTE;
  const from = new Date(current - (minutes - 1) * MINUTE);
  const minute = sql<number>`floor(extract(epoch from ${auditEvents.occurredAt}) / 60)`.mapWith(Number);
  const [rows, denied] = await Promise.all([
    ctx.db
      .select({
        minute,
        calls: sql<number>`count(*)`.mapWith(Number),
        errors: sql<number>`count(*) filter (where ${auditEvents.outcome} in ('tool_error', 'upstream_failure', 'timeout'))`.mapWith(Number),
        denied: sql<number>`count(*) filter (where ${auditEvents.outcome} = 'denied')`.mapWith(Number),
      })
      .from(auditEvents)
      .where(gte(auditEvents.occurredAt, from))
      .groupBy(minute),
    ctx.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.outcome, 'denied'), gte(auditEvents.occurredAt, from)))
      .orderBy(desc(auditEvents.seq))
      .limit(RECENT_DENIED),
  ]);
  const byMinute = new Map(rows.map((r) => [r.minute * MINUTE, r]));
  const buckets: AuditStats['buckets'] = [];
  const totals = { calls: 0, errors: 0, denied: 0 };
  for (let t = from.getTime(); t <= current; t += MINUTE) {
    const row = byMinute.get(t);
    const bucket = { minute: new Date(t).toISOString(), calls: row?.calls ?? 0, errors: row?.errors ?? 0, denied: row?.denied ?? 0 };
    buckets.push(bucket);
    totals.calls += bucket.calls;
    totals.errors += bucket.errors;
    totals.denied += bucket.denied;
  }
  return {
    from: from.toISOString(),
    to: now.toISOString(),
    buckets,
    totals: { ...totals, errorRate: totals.calls === 0 ? 0 : totals.errors / totals.calls },
    recentDenied: denied.map(toAuditDto),
  };
}
