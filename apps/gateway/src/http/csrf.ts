import { randomBytes, timingSafeEqual } from 'node:crypto';

export const newCsrfToken = () => randomBytes(32).toString('base64url');

/** Constant-time comparison of a presented CSRF token with the expected one; absent on either side never matches. */
export function csrfMatches(presented: string | undefined, expected: string | undefined): boolean {
  if (!presented || !expected) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
