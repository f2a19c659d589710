import { hashApiToken, looksLikeApiToken } from '@switchboard/auth/api-token';
import type { Database } from '@switchboard/db/client';
import { apiTokens } from '@switchboard/db/schema';
import { isNull } from 'drizzle-orm';
import type { AuthenticatedToken } from '../services/api-tokens.ts';

type LiveKey = AuthenticatedToken & { expiresAt: Date | null };

/**
 * The live (unrevoked) API keys, by hash, in memory: MCP endpoints of `api-key` virtual
 * servers admit callers (personal `mcp` keys; other kinds are recognised only to be
 * refused with a clear message) without a database read, so a database outage does not stop
 * them. Reloaded with the rest of the configuration (every admin change, and every
 * change another replica announces), so a revocation applies at the next request.
 */
export class ApiKeyDirectory {
  private keys = new Map<string, LiveKey>();

  async reload(db: Database): Promise<void> {
    const rows = await db
      .select({
        id: apiTokens.id,
        name: apiTokens.name,
        tokenHash: apiTokens.tokenHash,
        scopes: apiTokens.scopes,
        userId: apiTokens.userId,
        virtualServerIds: apiTokens.virtualServerIds,
        expiresAt: apiTokens.expiresAt,
        lastUsedAt: apiTokens.lastUsedAt,
      })
      .from(apiTokens)
      .where(isNull(apiTokens.revokedAt));
    this.keys = new Map(rows.map(({ tokenHash, virtualServerIds, ...key }) => [tokenHash, { ...key, virtualServerIds: virtualServerIds ?? null }]));
  }

  /** The key a caller presented; undefined when unknown, revoked or expired (the same checks as the admin API's). */
  authenticate(presented: string, now = Date.now()): AuthenticatedToken | undefined {
    if (presented.length > 512 || (!looksLikeApiToken(presented) && presented.length < 32)) return undefined;
    const key = this.keys.get(hashApiToken(presented));
    if (!key || (key.expiresAt && key.expiresAt.getTime() <= now)) return undefined;
    return key;
  }

  /**
   * Last use is informational (the console's "Last used"): written at most once a minute per
   * key, off the request path; the copy in memory remembers the write so the next calls skip it.
   */
  noteUse(key: AuthenticatedToken, write: (key: AuthenticatedToken) => Promise<unknown>, now = new Date()): void {
    if (key.lastUsedAt && now.getTime() - key.lastUsedAt.getTime() < 60_000) return;
    void write({ ...key }).catch(() => {}); // a lost "last used" is harmless; the call goes on
    key.lastUsedAt = now;
  }
}
