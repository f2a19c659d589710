import { hashApiToken } from '@switchboard/auth/api-token';
import { upstreamOauthAuthorizations } from '@switchboard/db/schema';
import { and, eq, isNull, lt } from 'drizzle-orm';
import * as oidc from 'openid-client';
import type { ServiceContext } from '../services/context.ts';

/** How long a person has between leaving for the upstream's AS and coming back. */
export const PENDING_AUTHORIZATION_SECONDS = 600;

export interface PendingAuthorization {
  userId: string;
  upstreamId: string;
  issuer: string;
  codeVerifier: string;
}

export type ConsumeResult =
  | { ok: true; pending: PendingAuthorization }
  | { ok: false; reason: 'unknown' | 'foreign' | 'used' | 'expired' };

/**
 * Stores an authorization under way: `state` and the browser binding are kept as SHA-256
 * only, the PKCE verifier encrypted. Returns the `state` to send to the AS.
 */
export async function createPendingAuthorization(
  ctx: ServiceContext,
  input: { userId: string; upstreamId: string; issuer: string; codeVerifier: string; browserBinding: string },
): Promise<string> {
  const state = oidc.randomState();
  await ctx.db.insert(upstreamOauthAuthorizations).values({
    stateHash: hashApiToken(state),
    userId: input.userId,
    upstreamId: input.upstreamId,
    sessionHash: hashApiToken(input.browserBinding),
    codeVerifier: ctx.secrets.encrypt(input.codeVerifier),
    issuer: input.issuer,
    expiresAt: new Date(Date.now() + PENDING_AUTHORIZATION_SECONDS * 1000),
  });
  return state;
}

/**
 * Takes the authorization `state` names, once, for the browser that started it. A state
 * started in another browser is refused without being spent (its owner can still finish);
 * a second use of one — a replayed callback — is refused whichever replica sees it, since
 * the update that spends it is conditional on it being unspent.
 */
export async function consumePendingAuthorization(ctx: ServiceContext, state: string | undefined, browserBinding: string | undefined): Promise<ConsumeResult> {
  if (!state || state.length > 512) return { ok: false, reason: 'unknown' };
  const stateHash = hashApiToken(state);
  const [row] = await ctx.db.select().from(upstreamOauthAuthorizations).where(eq(upstreamOauthAuthorizations.stateHash, stateHash));
  if (!row) return { ok: false, reason: 'unknown' };
  if (!browserBinding || hashApiToken(browserBinding) !== row.sessionHash) return { ok: false, reason: 'foreign' };
  if (row.usedAt) return { ok: false, reason: 'used' };
  if (row.expiresAt.getTime() < Date.now()) return { ok: false, reason: 'expired' };
  const spent = await ctx.db
    .update(upstreamOauthAuthorizations)
    .set({ usedAt: new Date() })
    .where(and(eq(upstreamOauthAuthorizations.stateHash, stateHash), isNull(upstreamOauthAuthorizations.usedAt)))
    .returning({ stateHash: upstreamOauthAuthorizations.stateHash });
  if (spent.length === 0) return { ok: false, reason: 'used' };
  return { ok: true, pending: { userId: row.userId, upstreamId: row.upstreamId, issuer: row.issuer, codeVerifier: ctx.secrets.decrypt(row.codeVerifier) } };
}

/** Spent and expired authorizations are kept a day (a replay is then still recognised as one), then dropped. */
export async function deleteOldPendingAuthorizations(ctx: ServiceContext): Promise<void> {
  await ctx.db.delete(upstreamOauthAuthorizations).where(lt(upstreamOauthAuthorizations.expiresAt, new Date(Date.now() - 86_400_000)));
}
