import type { PageQuery } from '@switchboard/core/contracts/common';
import type { Policy, PolicyCreate, PolicyUpdate } from '@switchboard/core/contracts/policies';
import { policies, roles, users } from '@switchboard/db/schema';
import { and, eq, inArray, or, type SQL, sql } from 'drizzle-orm';
import { badRequest, isForeignKeyViolation, notFound } from '../errors.ts';
import type { ServiceContext, TxContext } from './context.ts';
import { fetchPage, searchWhere, toPage } from './pagination.ts';
import { stripUndefined } from './patch.ts';

type PolicyRow = typeof policies.$inferSelect;

const toDto = (row: PolicyRow): Policy => ({
  id: row.id,
  subjectType: row.subjectType,
  subjectId: row.subjectId,
  virtualServerId: row.virtualServerId,
  effect: row.effect,
  kind: row.kind,
  pattern: row.pattern,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

export interface PolicyFilter {
  /** Part of the pattern, or of the subject's email or role name. */
  q?: string;
  subjectType?: 'user' | 'role';
  subjectId?: string;
  virtualServerId?: string;
}

/** Rules whose pattern, or whose subject's email or role name, contains `q`. */
function searchPolicies(q: string | undefined): SQL | undefined {
  const byPattern = searchWhere(q, policies.pattern);
  if (!byPattern) return undefined;
  const subjects = or(
    and(eq(policies.subjectType, 'user'), inArray(policies.subjectId, sql`(select ${users.id} from ${users} where ${searchWhere(q, users.email, users.name)})`)),
    and(eq(policies.subjectType, 'role'), inArray(policies.subjectId, sql`(select ${roles.id} from ${roles} where ${searchWhere(q, roles.name)})`)),
  );
  return or(byPattern, subjects);
}

export async function listPolicies(ctx: ServiceContext, query: PageQuery & PolicyFilter) {
  const rows = await fetchPage(
    ctx.db,
    policies,
    query,
    and(
      query.subjectType ? eq(policies.subjectType, query.subjectType) : undefined,
      query.subjectId ? eq(policies.subjectId, query.subjectId) : undefined,
      query.virtualServerId ? eq(policies.virtualServerId, query.virtualServerId) : undefined,
      searchPolicies(query.q),
    ),
  );
  return toPage(rows, query, toDto);
}

export async function getPolicy(ctx: TxContext, id: string): Promise<Policy> {
  const [row] = await ctx.db.select().from(policies).where(eq(policies.id, id));
  if (!row) throw notFound('policy', id);
  return toDto(row);
}

/** The subject is polymorphic (no foreign key), so its existence is checked here. */
async function assertSubjectExists(ctx: TxContext, type: 'user' | 'role', id: string) {
  const table = type === 'user' ? users : roles;
  const [row] = await ctx.db.select({ id: table.id }).from(table).where(eq(table.id, id));
  if (!row) throw badRequest(`subjectId: no ${type} ${id}`);
}

async function withVirtualServerCheck<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isForeignKeyViolation(error)) throw badRequest('virtualServerId: no such virtual server');
    throw error;
  }
}

export async function createPolicy(ctx: TxContext, input: PolicyCreate): Promise<Policy> {
  await assertSubjectExists(ctx, input.subjectType, input.subjectId);
  const [row] = await withVirtualServerCheck(() =>
    ctx.db
      .insert(policies)
      .values({ ...input, virtualServerId: input.virtualServerId ?? null })
      .returning(),
  );
  return toDto(row!);
}

export async function updatePolicy(ctx: TxContext, id: string, patch: PolicyUpdate): Promise<Policy> {
  const changes = stripUndefined(patch);
  if (Object.keys(changes).length === 0) return getPolicy(ctx, id);
  const [row] = await withVirtualServerCheck(() =>
    ctx.db.update(policies).set(changes).where(eq(policies.id, id)).returning(),
  );
  if (!row) throw notFound('policy', id);
  return toDto(row);
}

export async function deletePolicy(ctx: TxContext, id: string): Promise<void> {
  const deleted = await ctx.db.delete(policies).where(eq(policies.id, id)).returning({ id: policies.id });
  if (deleted.length === 0) throw notFound('policy', id);
}
