import { randomBytes } from 'node:crypto';
import { hashApiToken } from '@switchboard/auth/api-token';
import { users, webSessions } from '@switchboard/db/schema';
import { and, eq, gt, lt } from 'drizzle-orm';
import type { ServiceContext } from './context.ts';

export type WebSessionKind = 'login' | 'console';

export interface WebSession {
  userId: string;
  email: string;
  name: string | null;
  isAdmin: boolean;
  /** Echoed by forms (hidden field) or the console (header) on every mutation. */
  csrfToken: string;
  expiresAt: Date;
  /** When the user logged in (OpenID Connect `auth_time`). */
  createdAt: Date;
}

export interface IssuedWebSession {
  /** Goes into the cookie only; the database keeps its SHA-256. */
  token: string;
  csrfToken: string;
  expiresAt: Date;
}

const randomToken = () => randomBytes(32).toString('base64url');

export async function createWebSession(
  ctx: ServiceContext,
  input: { kind: WebSessionKind; userId: string; ttlSeconds: number },
): Promise<IssuedWebSession> {
  const token = randomToken();
  const csrfToken = randomToken();
  const expiresAt = new Date(Date.now() + input.ttlSeconds * 1000);
  await ctx.db.insert(webSessions).values({ tokenHash: hashApiToken(token), kind: input.kind, userId: input.userId, csrfToken, expiresAt });
  return { token, csrfToken, expiresAt };
}

/** The live session behind a cookie value, or undefined (unknown, expired, other kind, disabled user). */
export async function findWebSession(ctx: ServiceContext, kind: WebSessionKind, token: string | undefined): Promise<WebSession | undefined> {
  if (!token || token.length > 128) return undefined;
  const [row] = await ctx.db
    .select({
      userId: users.id,
      email: users.email,
      name: users.name,
      isAdmin: users.isAdmin,
      disabled: users.disabled,
      csrfToken: webSessions.csrfToken,
      expiresAt: webSessions.expiresAt,
      createdAt: webSessions.createdAt,
    })
    .from(webSessions)
    .innerJoin(users, eq(users.id, webSessions.userId))
    .where(and(eq(webSessions.tokenHash, hashApiToken(token)), eq(webSessions.kind, kind), gt(webSessions.expiresAt, new Date())));
  if (!row || row.disabled) return undefined;
  const { disabled: _disabled, ...session } = row;
  return session;
}

export async function endWebSession(ctx: ServiceContext, token: string | undefined): Promise<void> {
  if (!token) return;
  await ctx.db.delete(webSessions).where(eq(webSessions.tokenHash, hashApiToken(token)));
}

/** Signs a user out of every browser (used when the user is disabled or deleted). */
export async function endUserWebSessions(ctx: ServiceContext, userId: string): Promise<void> {
  await ctx.db.delete(webSessions).where(eq(webSessions.userId, userId));
}

export async function deleteExpiredWebSessions(ctx: ServiceContext): Promise<void> {
  await ctx.db.delete(webSessions).where(lt(webSessions.expiresAt, new Date()));
}
