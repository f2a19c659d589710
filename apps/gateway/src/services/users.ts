import { hashPassword } from '@switchboard/auth/password';
import type { PageQuery } from '@switchboard/core/contracts/common';
import type { User, UserCreate, UserUpdate } from '@switchboard/core/contracts/identity';
import { policies, roles, userRoles, users } from '@switchboard/db/schema';
import { and, eq, inArray } from 'drizzle-orm';
import { AppError, notFound, uniqueOr409 } from '../errors.ts';
import { deleteRateLimitsOf } from './rate-limits.ts';
import type { ServiceContext, TxContext } from './context.ts';
import { fetchPage, searchWhere, toPage } from './pagination.ts';
import { stripUndefined } from './patch.ts';
import { roleIdsByName } from './roles.ts';
import { revokeUserAccess } from './user-revocation.ts';

type UserRow = typeof users.$inferSelect;

const toDto = (row: UserRow, roleNames: string[]): User => ({
  id: row.id,
  email: row.email,
  name: row.name,
  hasPassword: row.passwordHash !== null,
  isAdmin: row.isAdmin,
  disabled: row.disabled,
  roles: roleNames,
  lastLoginAt: row.lastLoginAt?.toISOString() ?? null,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

async function roleNamesOf(ctx: TxContext, userIds: string[]): Promise<Map<string, string[]>> {
  const byUser = new Map<string, string[]>();
  if (userIds.length === 0) return byUser;
  const rows = await ctx.db
    .select({ userId: userRoles.userId, name: roles.name })
    .from(userRoles)
    .innerJoin(roles, eq(roles.id, userRoles.roleId))
    .where(inArray(userRoles.userId, userIds))
    .orderBy(roles.name);
  for (const { userId, name } of rows) byUser.set(userId, [...(byUser.get(userId) ?? []), name]);
  return byUser;
}

/** `q` matches email or name, case-insensitively, anywhere in them. */
export async function listUsers(ctx: ServiceContext, query: PageQuery & { q?: string }) {
  const rows = await fetchPage(ctx.db, users, query, searchWhere(query.q, users.email, users.name));
  const names = await roleNamesOf(ctx, rows.map((r) => r.id));
  return toPage(rows, query, (row) => toDto(row, names.get(row.id) ?? []));
}

export async function getUser(ctx: TxContext, id: string): Promise<User> {
  const [row] = await ctx.db.select().from(users).where(eq(users.id, id));
  if (!row) throw notFound('user', id);
  return toDto(row, (await roleNamesOf(ctx, [id])).get(id) ?? []);
}

async function setRoles(ctx: TxContext, userId: string, roleNames: string[]) {
  const roleIds = await roleIdsByName(ctx, roleNames, 'roles');
  await ctx.db.delete(userRoles).where(eq(userRoles.userId, userId));
  if (roleIds.length) await ctx.db.insert(userRoles).values(roleIds.map((roleId) => ({ userId, roleId })));
}

export async function createUser(ctx: TxContext, input: UserCreate): Promise<User> {
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  const [row] = await uniqueOr409(
    () =>
      ctx.db
        .insert(users)
        .values({
          email: input.email,
          name: input.name ?? null,
          passwordHash,
          isAdmin: input.isAdmin,
          disabled: input.disabled,
        })
        .returning(),
    `a user with email "${input.email}" already exists`,
  );
  await setRoles(ctx, row!.id, input.roles);
  return getUser(ctx, row!.id);
}

/**
 * Someone must be able to sign in to the console and fix things: refuses to demote,
 * disable or delete the last enabled administrator. The admins' rows are locked until the
 * transaction ends, so two concurrent demotions cannot both pass.
 */
async function keepOneActiveAdmin(ctx: TxContext, id: string, action: string) {
  const admins = await ctx.db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.isAdmin, true), eq(users.disabled, false)))
    .for('update');
  if (admins.length === 1 && admins[0]!.id === id) {
    throw new AppError(409, 'last_admin', `cannot ${action} the last active administrator: make another user an administrator first`);
  }
}

export async function updateUser(ctx: TxContext, id: string, patch: UserUpdate): Promise<User> {
  const { roles: roleNames, password, ...fields } = patch;
  if (patch.isAdmin === false) await keepOneActiveAdmin(ctx, id, 'remove the administrator flag of');
  if (patch.disabled === true) await keepOneActiveAdmin(ctx, id, 'disable');
  const changes: Partial<typeof users.$inferInsert> = stripUndefined(fields);
  if (password !== undefined) changes.passwordHash = password === null ? null : await hashPassword(password);
  const [row] = await uniqueOr409(
    () =>
      Object.keys(changes).length > 0
        ? ctx.db.update(users).set(changes).where(eq(users.id, id)).returning()
        : ctx.db.select().from(users).where(eq(users.id, id)),
    `a user with email "${patch.email}" already exists`,
  );
  if (!row) throw notFound('user', id);
  if (roleNames) await setRoles(ctx, id, roleNames);
  if (patch.disabled === true) await revokeUserAccess(ctx, id);
  return getUser(ctx, id);
}

export async function deleteUser(ctx: TxContext, id: string): Promise<void> {
  await keepOneActiveAdmin(ctx, id, 'delete');
  const deleted = await ctx.db.delete(users).where(eq(users.id, id)).returning({ id: users.id });
  if (deleted.length === 0) throw notFound('user', id);
  await ctx.db.delete(policies).where(and(eq(policies.subjectType, 'user'), eq(policies.subjectId, id)));
  await deleteRateLimitsOf(ctx, 'user', id);
}
