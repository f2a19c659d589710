import type { PageQuery } from '@switchboard/core/contracts/common';
import type { Role, RoleCreate, RoleUpdate } from '@switchboard/core/contracts/identity';
import { policies, roles } from '@switchboard/db/schema';
import { and, eq, inArray } from 'drizzle-orm';
import { badRequest, notFound, uniqueOr409 } from '../errors.ts';
import { deleteRateLimitsOf } from './rate-limits.ts';
import type { ServiceContext, TxContext } from './context.ts';
import { fetchPage, searchWhere, toPage } from './pagination.ts';
import { stripUndefined } from './patch.ts';

type RoleRow = typeof roles.$inferSelect;

const toDto = (row: RoleRow): Role => ({
  id: row.id,
  name: row.name,
  description: row.description,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

/** `q` matches the name or description. */
export async function listRoles(ctx: ServiceContext, query: PageQuery & { q?: string }) {
  const rows = await fetchPage(ctx.db, roles, query, searchWhere(query.q, roles.name, roles.description));
  return toPage(rows, query, toDto);
}

export async function getRole(ctx: TxContext, id: string): Promise<Role> {
  const [row] = await ctx.db.select().from(roles).where(eq(roles.id, id));
  if (!row) throw notFound('role', id);
  return toDto(row);
}

export async function createRole(ctx: TxContext, input: RoleCreate): Promise<Role> {
  const [row] = await uniqueOr409(
    () => ctx.db.insert(roles).values({ name: input.name, description: input.description ?? null }).returning(),
    `a role named "${input.name}" already exists`,
  );
  return toDto(row!);
}

export async function updateRole(ctx: TxContext, id: string, patch: RoleUpdate): Promise<Role> {
  const changes = stripUndefined(patch);
  if (Object.keys(changes).length === 0) return getRole(ctx, id);
  const [row] = await uniqueOr409(
    () => ctx.db.update(roles).set(changes).where(eq(roles.id, id)).returning(),
    `a role named "${patch.name}" already exists`,
  );
  if (!row) throw notFound('role', id);
  return toDto(row);
}

export async function deleteRole(ctx: TxContext, id: string): Promise<void> {
  const deleted = await ctx.db.delete(roles).where(eq(roles.id, id)).returning({ id: roles.id });
  if (deleted.length === 0) throw notFound('role', id);
  await ctx.db.delete(policies).where(and(eq(policies.subjectType, 'role'), eq(policies.subjectId, id)));
  await deleteRateLimitsOf(ctx, 'role', id);
}

/** Role ids for names; every name must exist (`field` names the input for the error). */
export async function roleIdsByName(ctx: TxContext, names: string[], field: string): Promise<string[]> {
  const unique = [...new Set(names)];
  if (unique.length === 0) return [];
  const rows = await ctx.db.select({ id: roles.id, name: roles.name }).from(roles).where(inArray(roles.name, unique));
  const byName = new Map(rows.map((r) => [r.name, r.id]));
  return unique.map((name, i) => {
    const id = byName.get(name);
    if (!id) throw badRequest(`${field}.${names.indexOf(name) >= 0 ? names.indexOf(name) : i}: no role named "${name}"`);
    return id;
  });
}
