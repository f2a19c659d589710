import type { PageQuery } from '@switchboard/core/contracts/common';
import type { OAuthConsent } from '@switchboard/core/contracts/oauth-clients';
import { oauthClients, oauthConsents, oauthRefreshTokens, users, virtualServers } from '@switchboard/db/schema';
import { and, eq, gt, isNull } from 'drizzle-orm';
import { consentKey } from '@switchboard/auth/oauth/revocation-view';
import { notFound } from '../errors.ts';
import type { ServiceContext, TxContext } from './context.ts';
import { decodeCursor, toPage } from './pagination.ts';

export interface ConsentListQuery extends PageQuery {
  /** A user's id: only their consents. */
  user?: string;
  /** An OAuth client's id (the resource id, not its client_id): only consents for it. */
  client?: string;
}

/** Remembered consents still in force (withdrawn ones are history, not shown), keyset-paginated by id. */
export async function listOAuthConsents(ctx: ServiceContext, query: ConsentListQuery) {
  const after = decodeCursor(query.cursor);
  const rows = await ctx.db
    .select({
      id: oauthConsents.id,
      userId: oauthConsents.userId,
      userEmail: users.email,
      clientId: oauthConsents.clientId,
      clientName: oauthClients.clientName,
      virtualServerId: oauthConsents.virtualServerId,
      virtualServerName: virtualServers.name,
      scope: oauthConsents.scope,
      createdAt: oauthConsents.createdAt,
    })
    .from(oauthConsents)
    .innerJoin(users, eq(users.id, oauthConsents.userId))
    .innerJoin(oauthClients, eq(oauthClients.id, oauthConsents.clientId))
    .innerJoin(virtualServers, eq(virtualServers.id, oauthConsents.virtualServerId))
    .where(
      and(
        isNull(oauthConsents.revokedAt),
        query.user ? eq(oauthConsents.userId, query.user) : undefined,
        query.client ? eq(oauthConsents.clientId, query.client) : undefined,
        after ? gt(oauthConsents.id, after) : undefined,
      ),
    )
    .orderBy(oauthConsents.id)
    .limit(query.limit + 1);
  return toPage(rows, query, (row): OAuthConsent => ({ ...row, createdAt: row.createdAt.toISOString() }));
}

/**
 * Withdraws a consent: the next authorization shows the consent page again, the refresh
 * tokens that consent let the client hold for this user and server stop working, and the
 * access tokens issued under it are refused on every replica from the next request.
 */
export async function revokeOAuthConsent(ctx: TxContext, id: string, now = new Date()): Promise<void> {
  const [consent] = await ctx.db
    .update(oauthConsents)
    .set({ revokedAt: now })
    .where(and(eq(oauthConsents.id, id), isNull(oauthConsents.revokedAt)))
    .returning();
  if (!consent) throw notFound('consent', id);
  await ctx.db
    .update(oauthRefreshTokens)
    .set({ revokedAt: now })
    .where(
      and(
        eq(oauthRefreshTokens.userId, consent.userId),
        eq(oauthRefreshTokens.clientId, consent.clientId),
        eq(oauthRefreshTokens.virtualServerId, consent.virtualServerId),
        isNull(oauthRefreshTokens.revokedAt),
      ),
    );
  const [client] = await ctx.db.select({ clientId: oauthClients.clientId }).from(oauthClients).where(eq(oauthClients.id, consent.clientId));
  if (client) {
    await ctx.revocations?.record(ctx.db, [{ kind: 'consent', key: consentKey(consent.userId, client.clientId, consent.virtualServerId) }], now.getTime());
  }
}
