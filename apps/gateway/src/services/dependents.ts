import type { Dependents } from '@switchboard/core/contracts/dependents';
import { apiTokens, oauthRefreshTokens, upstreams, users, virtualServerEntries, virtualServers } from '@switchboard/db/schema';
import { and, countDistinct, eq, gt, inArray, isNull, or, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { notFound } from '../errors.ts';
import type { ServiceContext } from './context.ts';

const none: Dependents = { virtualServers: [], openSessions: 0, signedInPeople: 0, signedInClients: 0, apiTokens: 0 };

/** A refresh token still usable: what "signed in through OAuth" means here. */
const liveRefresh = (now: Date) =>
  and(isNull(oauthRefreshTokens.usedAt), isNull(oauthRefreshTokens.revokedAt), gt(oauthRefreshTokens.expiresAt, now));

async function mustExist(ctx: ServiceContext, table: PgTable & { id: PgColumn }, what: string, id: string) {
  const [row] = await ctx.db.select({ id: table.id }).from(table as PgTable).where(eq(table.id, id));
  if (!row) throw notFound(what, id);
}

/** Open sessions and signed-in people across some virtual servers. */
async function serverImpact(ctx: ServiceContext, serverIds: string[], now: Date) {
  if (serverIds.length === 0) return { openSessions: 0, signedInPeople: 0 };
  const open = ctx.federation?.openSessions?.() ?? [];
  const openSessions = open.filter((s) => serverIds.includes(s.virtualServerId)).reduce((n, s) => n + s.sessions, 0);
  const [people] = await ctx.db
    .select({ n: countDistinct(oauthRefreshTokens.userId) })
    .from(oauthRefreshTokens)
    .where(and(inArray(oauthRefreshTokens.virtualServerId, serverIds), liveRefresh(now)));
  return { openSessions, signedInPeople: people?.n ?? 0 };
}

export async function upstreamDependents(ctx: ServiceContext, id: string, now = new Date()): Promise<Dependents> {
  await mustExist(ctx, upstreams, 'upstream', id);
  const servers = await ctx.db
    .selectDistinct({ id: virtualServers.id, name: virtualServers.name })
    .from(virtualServerEntries)
    .innerJoin(virtualServers, eq(virtualServers.id, virtualServerEntries.virtualServerId))
    .where(eq(virtualServerEntries.upstreamId, id))
    .orderBy(virtualServers.name);
  return { ...none, virtualServers: servers, ...(await serverImpact(ctx, servers.map((s) => s.id), now)) };
}

export async function virtualServerDependents(ctx: ServiceContext, id: string, now = new Date()): Promise<Dependents> {
  await mustExist(ctx, virtualServers, 'virtual server', id);
  return { ...none, ...(await serverImpact(ctx, [id], now)) };
}

export async function userDependents(ctx: ServiceContext, id: string, now = new Date()): Promise<Dependents> {
  await mustExist(ctx, users, 'user', id);
  const count = async (column: PgColumn, table: PgTable, where: SQL | undefined) =>
    (await ctx.db.select({ n: countDistinct(column) }).from(table).where(where))[0]?.n ?? 0;
  const signedInClients = await count(oauthRefreshTokens.familyId, oauthRefreshTokens, and(eq(oauthRefreshTokens.userId, id), liveRefresh(now)));
  const tokens = await count(
    apiTokens.id,
    apiTokens,
    and(eq(apiTokens.userId, id), isNull(apiTokens.revokedAt), or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, now))),
  );
  return { ...none, signedInClients, apiTokens: tokens };
}
