import type { PageQuery } from '@switchboard/core/contracts/common';
import type { LimitRule, RateLimit, RateLimitCreate, RateLimitUpdate } from '@switchboard/core/contracts/rate-limits';
import type { Database } from '@switchboard/db/client';
import { rateLimits, roles, users } from '@switchboard/db/schema';
import { and, asc, eq } from 'drizzle-orm';
import { badRequest, isForeignKeyViolation, notFound, uniqueOr409 } from '../errors.ts';
import type { ServiceContext, TxContext } from './context.ts';
import { fetchPage, searchWhere, toPage } from './pagination.ts';

type Row = typeof rateLimits.$inferSelect;

const toDto = (row: Row): RateLimit => ({
  id: row.id,
  name: row.name,
  subject: row.subjectType && row.subjectId ? { type: row.subjectType, id: row.subjectId } : null,
  virtualServerId: row.virtualServerId,
  pattern: row.pattern,
  rate: row.rateCount && row.ratePer ? { count: row.rateCount, per: row.ratePer, ...(row.rateBurst ? { burst: row.rateBurst } : {}) } : null,
  quota: row.quotaCount && row.quotaPer ? { count: row.quotaCount, per: row.quotaPer } : null,
  concurrency: row.concurrency,
  shared: row.shared,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

/** The columns of a rule's fields (each present field; absent ones stay as they are). */
function toColumns(input: Partial<RateLimitCreate>) {
  return {
    ...(input.name !== undefined && { name: input.name }),
    ...(input.subject !== undefined && { subjectType: input.subject?.type ?? null, subjectId: input.subject?.id ?? null }),
    ...(input.virtualServerId !== undefined && { virtualServerId: input.virtualServerId }),
    ...(input.pattern !== undefined && { pattern: input.pattern }),
    ...(input.rate !== undefined && { rateCount: input.rate?.count ?? null, ratePer: input.rate?.per ?? null, rateBurst: input.rate?.burst ?? null }),
    ...(input.quota !== undefined && { quotaCount: input.quota?.count ?? null, quotaPer: input.quota?.per ?? null }),
    ...(input.concurrency !== undefined && { concurrency: input.concurrency }),
    ...(input.shared !== undefined && { shared: input.shared }),
  };
}

/** Every rule, as the gateway keeps them in memory (read at each reload, never per call). */
export async function loadLimitRules(db: Database): Promise<LimitRule[]> {
  const rows = await db.select().from(rateLimits).orderBy(asc(rateLimits.name));
  return rows.map(toDto);
}

export async function listRateLimits(ctx: ServiceContext, query: PageQuery & { q?: string }) {
  const rows = await fetchPage(ctx.db, rateLimits, query, searchWhere(query.q, rateLimits.name, rateLimits.pattern));
  return toPage(rows, query, toDto);
}

export async function getRateLimit(ctx: TxContext, id: string): Promise<RateLimit> {
  const [row] = await ctx.db.select().from(rateLimits).where(eq(rateLimits.id, id));
  if (!row) throw notFound('rate limit', id);
  return toDto(row);
}

/** The subject is polymorphic (no foreign key), so its existence is checked here. */
async function assertSubjectExists(ctx: TxContext, subject: RateLimit['subject']) {
  if (!subject) return;
  const table = subject.type === 'user' ? users : roles;
  const [row] = await ctx.db.select({ id: table.id }).from(table).where(eq(table.id, subject.id));
  if (!row) throw badRequest(`subject.id: no ${subject.type} ${subject.id}`);
}

async function write<T>(name: string | undefined, run: () => Promise<T>): Promise<T> {
  try {
    return await uniqueOr409(run, `a rate limit named "${name}" already exists`);
  } catch (error) {
    if (isForeignKeyViolation(error)) throw badRequest('virtualServerId: no such virtual server');
    throw error;
  }
}

export async function createRateLimit(ctx: TxContext, input: RateLimitCreate): Promise<RateLimit> {
  await assertSubjectExists(ctx, input.subject);
  const [row] = await write(input.name, () => ctx.db.insert(rateLimits).values({ name: input.name, ...toColumns(input) }).returning());
  return toDto(row!);
}

export async function updateRateLimit(ctx: TxContext, id: string, patch: RateLimitUpdate): Promise<RateLimit> {
  const current = await getRateLimit(ctx, id);
  const next = { ...current, ...patch };
  if (!next.rate && !next.quota && !next.concurrency) throw badRequest('rate: a rule needs at least one of rate, quota or concurrency');
  if (patch.subject !== undefined) await assertSubjectExists(ctx, patch.subject);
  // Only what differs is written: an unchanged rule keeps its `updatedAt`, and with it its
  // budgets (the limiter starts a changed rule on fresh ones), e.g. when a document is re-applied.
  const differs = (Object.keys(patch) as Array<keyof RateLimitUpdate>).filter((key) => JSON.stringify(patch[key]) !== JSON.stringify(current[key]));
  const changes = toColumns(Object.fromEntries(differs.map((key) => [key, patch[key]])));
  if (Object.keys(changes).length === 0) return current;
  const [row] = await write(patch.name, () => ctx.db.update(rateLimits).set(changes).where(eq(rateLimits.id, id)).returning());
  return toDto(row!);
}

export async function deleteRateLimit(ctx: TxContext, id: string): Promise<void> {
  const deleted = await ctx.db.delete(rateLimits).where(eq(rateLimits.id, id)).returning({ id: rateLimits.id });
  if (deleted.length === 0) throw notFound('rate limit', id);
}

/** A deleted user's or role's rules go with them (the subject is not a foreign key). */
export async function deleteRateLimitsOf(ctx: TxContext, type: 'user' | 'role', id: string) {
  await ctx.db.delete(rateLimits).where(and(eq(rateLimits.subjectType, type), eq(rateLimits.subjectId, id)));
}
