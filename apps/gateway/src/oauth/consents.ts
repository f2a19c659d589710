import { oauthConsents } from '@switchboard/db/schema';
import { and, eq, isNull } from 'drizzle-orm';
import type { ServiceContext } from '../services/context.ts';
import type { AuthorizeRequest } from './authorize-request.ts';
import { isSubsetScope } from './scopes.ts';

/** Has this user already allowed this client on this server, for at least this scope? */
export async function hasConsent(ctx: ServiceContext, userId: string, request: AuthorizeRequest): Promise<boolean> {
  const [row] = await ctx.db
    .select({ scope: oauthConsents.scope })
    .from(oauthConsents)
    .where(
      and(
        eq(oauthConsents.userId, userId),
        eq(oauthConsents.clientId, request.client.id),
        eq(oauthConsents.virtualServerId, request.server.id),
        isNull(oauthConsents.revokedAt),
      ),
    );
  return !!row && isSubsetScope(request.scope, row.scope);
}

export async function recordConsent(ctx: ServiceContext, userId: string, request: AuthorizeRequest): Promise<void> {
  const values = { userId, clientId: request.client.id, virtualServerId: request.server.id, scope: request.scope, createdAt: new Date(), revokedAt: null };
  await ctx.db
    .insert(oauthConsents)
    .values(values)
    .onConflictDoUpdate({ target: [oauthConsents.userId, oauthConsents.clientId, oauthConsents.virtualServerId], set: values });
}
