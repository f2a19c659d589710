import { generateApiToken, hashApiToken, looksLikeApiToken } from '@switchboard/auth/api-token';
import type { ApiToken, ApiTokenCreate, ApiTokenCreated } from '@switchboard/core/contracts/api-tokens';
import type { PageQuery } from '@switchboard/core/contracts/common';
import type { Executor } from '@switchboard/db/client';
import { type ApiTokenScope, apiTokens, users } from '@switchboard/db/schema';
import { and, eq, gt, isNull, type SQL } from 'drizzle-orm';
import { notFound } from '../errors.ts';
import type { ServiceContext, TxContext } from './context.ts';
import { decodeCursor, toPage } from './pagination.ts';

type TokenRow = typeof apiTokens.$inferSelect & { ownerEmail: string | null };

const toDto = (row: TokenRow): ApiToken => ({
  id: row.id,
  name: row.name,
  prefix: row.prefix,
  scopes: row.scopes,
  owner: row.userId && row.ownerEmail ? { id: row.userId, email: row.ownerEmail } : null,
  virtualServerIds: row.virtualServerIds ?? null,
  createdAt: row.createdAt.toISOString(),
  lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  expiresAt: row.expiresAt?.toISOString() ?? null,
  revokedAt: row.revokedAt?.toISOString() ?? null,
});

/** Tokens with their owner's email (the list says whose each key is). */
async function selectTokens(db: Executor, where: SQL | undefined, limit?: number): Promise<TokenRow[]> {
  const query = db
    .select({ token: apiTokens, ownerEmail: users.email })
    .from(apiTokens)
    .leftJoin(users, eq(users.id, apiTokens.userId))
    .where(where)
    .orderBy(apiTokens.id);
  const rows = await (limit === undefined ? query : query.limit(limit));
  return rows.map((r) => ({ ...r.token, ownerEmail: r.ownerEmail }));
}

/** A page of tokens; `where` narrows it (one person's keys). */
export async function listApiTokens(ctx: ServiceContext, query: PageQuery, where?: SQL) {
  const after = decodeCursor(query.cursor);
  const rows = await selectTokens(ctx.db, and(where, after ? gt(apiTokens.id, after) : undefined), query.limit + 1);
  return toPage(rows, query, toDto);
}

export async function getApiToken(ctx: TxContext, id: string, where?: SQL): Promise<ApiToken> {
  const [row] = await selectTokens(ctx.db, and(eq(apiTokens.id, id), where));
  if (!row) throw notFound('API token', id);
  return toDto(row);
}

/** The only place a token value exists in clear: returned once, stored as a hash. */
export async function createApiToken(
  ctx: TxContext,
  input: Omit<ApiTokenCreate, 'scopes'> & { scopes: ApiTokenScope[]; userId?: string | null; virtualServerIds?: string[] | null },
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
      virtualServerIds: input.virtualServerIds ?? null,
    })
    .returning();
  return { ...(await getApiToken(ctx, row!.id)), token };
}

/** Revocation keeps the row (for the audit of who had access) but the token stops working. */
/** `where` narrows who may revoke what (a person: only their own keys; others answer 404). */
export async function revokeApiToken(ctx: TxContext, id: string, where?: SQL): Promise<ApiToken> {
  const current = await getApiToken(ctx, id, where); // 404 first, also for someone else's key
  if (current.revokedAt) return current; // already revoked (idempotent)
  await ctx.db
    .update(apiTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)));
  return getApiToken(ctx, id);
}

export interface AuthenticatedToken {
  id: string;
  /** Its display name (the admin trail names the token by it). */
  name: string;
  scopes: ApiTokenScope[];
  userId: string | null;
  /** An `mcp` key limited to these virtual servers; null = not limited. */
  virtualServerIds: string[] | null;
  lastUsedAt: Date | null;
}

/** A personal MCP key: works on MCP endpoints only, never on the admin API. */
export const isMcpKey = (token: Pick<AuthenticatedToken, 'scopes'>) => token.scopes.includes('mcp');

/** Looks a presented token up by its hash; undefined when unknown, revoked or expired. */
export async function authenticateApiToken(
  ctx: ServiceContext,
  presented: string,
  now = new Date(),
): Promise<AuthenticatedToken | undefined> {
  if (presented.length > 512 || (!looksLikeApiToken(presented) && presented.length < 32)) return undefined;
  const [row] = await ctx.db.select().from(apiTokens).where(eq(apiTokens.tokenHash, hashApiToken(presented)));
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= now)) return undefined;
  const { id, name, scopes, userId, virtualServerIds, lastUsedAt } = row;
  return { id, name, scopes, userId, virtualServerIds: virtualServerIds ?? null, lastUsedAt };
}

/** Last-use is informational: written at most once a minute per token, off the request path. */
export async function touchApiToken(ctx: ServiceContext, token: AuthenticatedToken, now = new Date()) {
  if (token.lastUsedAt && now.getTime() - token.lastUsedAt.getTime() < 60_000) return;
  await ctx.db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, token.id));
}
