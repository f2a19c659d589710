import type { ApiToken, ApiTokenCreated, McpKeyCreate } from '@switchboard/core/contracts/api-tokens';
import type { PageQuery } from '@switchboard/core/contracts/common';
import { apiTokens, virtualServers } from '@switchboard/db/schema';
import { and, arrayContains, count, eq, gt, inArray, isNull, or } from 'drizzle-orm';
import { AppError, badRequest } from '../errors.ts';
import { createApiToken, listApiTokens, revokeApiToken } from './api-tokens.ts';
import type { ServiceContext } from './context.ts';

/** Live keys one person may hold at once: enough for every device and script, not a flood. */
export const MAX_LIVE_KEYS_PER_PERSON = 50;

/** One person's MCP keys (never anyone else's, never admin tokens). */
const keysOf = (userId: string) => and(eq(apiTokens.userId, userId), arrayContains(apiTokens.scopes, ['mcp']));

export const listMyKeys = (ctx: ServiceContext, userId: string, query: PageQuery) => listApiTokens(ctx, query, keysOf(userId));

/**
 * A personal MCP key, owned by `userId`: on MCP endpoints of `api-key` servers it acts as
 * them. The value is returned once; only its hash is stored.
 */
export async function mintMcpKey(ctx: ServiceContext, userId: string, input: McpKeyCreate): Promise<ApiTokenCreated> {
  const limitedTo = input.virtualServerIds ? [...new Set(input.virtualServerIds.map((id) => id.toLowerCase()))] : null;
  if (limitedTo) {
    const found = await ctx.db.select({ id: virtualServers.id }).from(virtualServers).where(inArray(virtualServers.id, limitedTo));
    const known = new Set(found.map((r) => r.id));
    const unknown = limitedTo.filter((id) => !known.has(id));
    if (unknown.length) throw badRequest(`virtualServerIds: no virtual server ${unknown.join(', ')}`);
  }
  const [live] = await ctx.db
    .select({ n: count() })
    .from(apiTokens)
    .where(and(keysOf(userId), isNull(apiTokens.revokedAt), or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, new Date()))));
  if ((live?.n ?? 0) >= MAX_LIVE_KEYS_PER_PERSON) {
    throw new AppError(409, 'too_many_keys', `the person already has ${MAX_LIVE_KEYS_PER_PERSON} live MCP keys; revoke one first`);
  }
  return createApiToken(ctx, { name: input.name, scopes: ['mcp'], expiresAt: input.expiresAt, userId, virtualServerIds: limitedTo });
}

/** Revokes one of the person's own keys; someone else's key answers 404, as if it did not exist. */
export const revokeMyKey = (ctx: ServiceContext, userId: string, id: string): Promise<ApiToken> =>
  revokeApiToken(ctx, id, keysOf(userId));
