import { generateApiToken, hashApiToken, looksLikeApiToken } from '@switchboard/auth/api-token';
import type { ApiToken, ApiTokenCreate, ApiTokenCreated } from '@switchboard/core/contracts/api-tokens';
import type { PageQuery } from '@switchboard/core/contracts/common';
import { type ApiTokenScope, apiTokens } from '@switchboard/db/schema';
import { and, eq, isNull } from 'drizzle-orm';
import { notFound } from '../errors.ts';
import type { ServiceContext, TxContext } from './context.ts';
import { fetchPage, toPage } from './pagination.ts';

type TokenRow = typeof apiTokens.$inferSelect;

const toDto = (row: TokenRow): ApiToken => ({
  id: row.id,
  name: row.name,
  prefix: row.prefix,
  scopes: row.scopes,
  createdAt: row.createdAt.toISOString(),
  lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  expiresAt: row.expiresAt?.toISOString() ?? null,
  revokedAt: row.revokedAt?.toISOString() ?? null,
});

export async function listApiTokens(ctx: ServiceContext, query: PageQuery) {
  const rows = await fetchPage(ctx.db, apiTokens, query);
  return toPage(rows, query, toDto);
}

export async function getApiToken(ctx: TxContext, id: string): Promise<ApiToken> {
  const [row] = await ctx.db.select().from(apiTokens).where(eq(apiTokens.id, id));
  if (!row) throw notFound('API token', id);
  return toDto(row);
}

/** The only place a token value exists in clear: returned once, stored as a hash. */
export async function createApiToken(
  ctx: TxContext,
  input: ApiTokenCreate & { userId?: string | null },
): Promise<ApiTokenCreated> {
  const { token, hash, prefix } = generateApiToken();
  const [row] = await ctx.db
    .insert(apiTokens)
    .values({
      name: input.name,
      tokenHash: hash,
      prefix,
      scopes: [...new Set(input.scopes)],
      userId: input.userId ?? null,
      expiresAt: input.expiresAt ? new Date(input.expiresAt) : null,
    })
    .returning();
  return { ...toDto(row!), token };
}

/** Revocation keeps the row (for the audit of who had access) but the token stops working. */
export async function revokeApiToken(ctx: TxContext, id: string): Promise<ApiToken> {
  const [row] = await ctx.db
    .update(apiTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)))
    .returning();
  if (row) return toDto(row);
  return getApiToken(ctx, id); // already revoked (idempotent) or 404
}

export interface AuthenticatedToken {
  id: string;
  /** Its display name (the admin trail names the token by it). */
  name: string;
  scopes: ApiTokenScope[];
  userId: string | null;
  lastUsedAt: Date | null;
}

/** Looks a presented token up by its hash; undefined when unknown, revoked or expired. */
export async function authenticateApiToken(
  ctx: ServiceContext,
  presented: string,
  now = new Date(),
): Promise<AuthenticatedToken | undefined> {
  if (presented.length > 512 || (!looksLikeApiToken(presented) && presented.length < 32)) return undefined;
  const [row] = await ctx.db.select().from(apiTokens).where(eq(apiTokens.tokenHash, hashApiToken(presented)));
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= now)) return undefined;
  return { id: row.id, name: row.name, scopes: row.scopes, userId: row.userId, lastUsedAt: row.lastUsedAt };
}

/** Last-use is informational: written at most once a minute per token, off the request path. */
export async function touchApiToken(ctx: ServiceContext, token: AuthenticatedToken, now = new Date()) {
  if (token.lastUsedAt && now.getTime() - token.lastUsedAt.getTime() < 60_000) return;
  await ctx.db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, token.id));
}
