import { verifyPassword } from '@switchboard/auth/password';
import { users } from '@switchboard/db/schema';
import { eq, sql } from 'drizzle-orm';
import type { ServiceContext } from './context.ts';

/** After this many consecutive failures the account is locked, doubling per further failure. */
const FREE_ATTEMPTS = 5;
const BASE_LOCK_SECONDS = 30;
const MAX_LOCK_SECONDS = 15 * 60;

// A real scrypt hash of a random password: verifying against it when the email is unknown
// costs the same as a real check, so response time does not reveal which emails exist.
const DECOY_HASH =
  '$scrypt$ln=15,r=8,p=1$U4/ekrcflxzZqvEQ/okBMg$ccVyhX6Bv4PKST3KRfN6ZIl19wHKwrMiDeQn+2PBRNQ';

export type LocalLoginResult =
  | { ok: true; user: { id: string; email: string; name: string | null; isAdmin: boolean } }
  | { ok: false; reason: 'invalid_credentials' | 'locked'; retryAfterSeconds?: number };

/**
 * Checks an email and password against local users, with a per-account throttle kept in
 * the database (so it holds across replicas). Unknown email, wrong password, disabled
 * account and password-less (provider-only) account all answer `invalid_credentials`.
 */
export async function verifyLocalLogin(ctx: ServiceContext, email: string, password: string): Promise<LocalLoginResult> {
  const [user] = await ctx.db.select().from(users).where(eq(users.email, email.trim().toLowerCase()));
  if (!user?.passwordHash) {
    await verifyPassword(password, DECOY_HASH);
    return { ok: false, reason: 'invalid_credentials' };
  }
  const now = Date.now();
  if (user.lockedUntil && user.lockedUntil.getTime() > now) {
    return { ok: false, reason: 'locked', retryAfterSeconds: Math.ceil((user.lockedUntil.getTime() - now) / 1000) };
  }
  const matches = await verifyPassword(password, user.passwordHash);
  if (!matches || user.disabled) {
    if (matches) return { ok: false, reason: 'invalid_credentials' };
    const failures = user.failedLogins + 1;
    const lockedUntil = failures >= FREE_ATTEMPTS ? new Date(now + lockSeconds(failures) * 1000) : null;
    await ctx.db
      .update(users)
      .set({ failedLogins: sql`${users.failedLogins} + 1`, lockedUntil })
      .where(eq(users.id, user.id));
    return { ok: false, reason: 'invalid_credentials' };
  }
  await ctx.db.update(users).set({ failedLogins: 0, lockedUntil: null, lastLoginAt: new Date(now) }).where(eq(users.id, user.id));
  return { ok: true, user: { id: user.id, email: user.email, name: user.name, isAdmin: user.isAdmin } };
}

function lockSeconds(failures: number): number {
  return Math.min(MAX_LOCK_SECONDS, BASE_LOCK_SECONDS * 2 ** (failures - FREE_ATTEMPTS));
}
