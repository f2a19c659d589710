import type { PageQuery } from '@switchboard/core/contracts/common';
import type { OAuthClient } from '@switchboard/core/contracts/oauth-clients';
import { oauthClients, oauthConsents, oauthRefreshTokens } from '@switchboard/db/schema';
import { and, countDistinct, eq, inArray, isNull } from 'drizzle-orm';
import { notFound } from '../errors.ts';
import type { ServiceContext, TxContext } from './context.ts';
import { fetchPage, searchWhere, toPage } from './pagination.ts';

type ClientRow = typeof oauthClients.$inferSelect;

const toDto = (row: ClientRow, consentCount: number): OAuthClient => ({
  id: row.id,
  clientId: row.clientId,
  kind: row.kind,
  clientName: row.clientName,
  redirectUris: row.redirectUris,
  tokenEndpointAuthMethod: row.tokenEndpointAuthMethod,
  createdAt: row.createdAt.toISOString(),
  lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  revokedAt: row.revokedAt?.toISOString() ?? null,
  consentCount,
});

/** How many distinct users hold a consent (not withdrawn) for each client. */
async function consentCounts(ctx: TxContext, clientIds: string[]): Promise<Map<string, number>> {
  if (clientIds.length === 0) return new Map();
  const rows = await ctx.db
    .select({ clientId: oauthConsents.clientId, users: countDistinct(oauthConsents.userId) })
    .from(oauthConsents)
    .where(and(inArray(oauthConsents.clientId, clientIds), isNull(oauthConsents.revokedAt)))
    .groupBy(oauthConsents.clientId);
  return new Map(rows.map((r) => [r.clientId, Number(r.users)]));
}

/** `q` matches the client's name or its `client_id` (a CIMD client's id is its URL). */
export async function listOAuthClients(ctx: ServiceContext, query: PageQuery & { q?: string }) {
  const rows = await fetchPage(ctx.db, oauthClients, query, searchWhere(query.q, oauthClients.clientName, oauthClients.clientId));
  const counts = await consentCounts(ctx, rows.map((r) => r.id));
  return toPage(rows, query, (row) => toDto(row, counts.get(row.id) ?? 0));
}

export async function getOAuthClient(ctx: TxContext, id: string): Promise<OAuthClient> {
  const [row] = await ctx.db.select().from(oauthClients).where(eq(oauthClients.id, id));
  if (!row) throw notFound('OAuth client', id);
  return toDto(row, (await consentCounts(ctx, [id])).get(id) ?? 0);
}

/**
 * Revokes a client for good: the authorization server refuses it from now on (clients.ts
 * findClient), its refresh tokens stop working, its access tokens are refused on every
 * replica from the next request, and its consents are withdrawn, so nothing it was given
 * outlives the revocation. Revoking twice keeps the first revocation time.
 */
export async function revokeOAuthClient(ctx: TxContext, id: string, now = new Date()): Promise<OAuthClient> {
  const [row] = await ctx.db.select({ revokedAt: oauthClients.revokedAt, clientId: oauthClients.clientId }).from(oauthClients).where(eq(oauthClients.id, id));
  if (!row) throw notFound('OAuth client', id);
  if (!row.revokedAt) await ctx.db.update(oauthClients).set({ revokedAt: now }).where(eq(oauthClients.id, id));
  await ctx.db
    .update(oauthRefreshTokens)
    .set({ revokedAt: now })
    .where(and(eq(oauthRefreshTokens.clientId, id), isNull(oauthRefreshTokens.revokedAt)));
  await ctx.db
    .update(oauthConsents)
    .set({ revokedAt: now })
    .where(and(eq(oauthConsents.clientId, id), isNull(oauthConsents.revokedAt)));
  await ctx.revocations?.record(ctx.db, [{ kind: 'client', key: row.clientId }], now.getTime());
  return getOAuthClient(ctx, id);
}
