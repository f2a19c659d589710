/**
 * Where a login may send the browser afterwards: our own authorization endpoint (to resume
 * an authorization request) or an upstream connect link (a person connecting their account
 * to an upstream, upstream-oauth/), otherwise the console root. Never an absolute URL, so the login
 * page cannot be used as an open redirector.
 */
export function safeReturnTo(value: string | undefined): string {
  if (!value || value.length > 8000 || /[\\\r\n]/.test(value)) return '/';
  if (value.startsWith('/oauth/authorize?')) return value;
  return /^\/connections\/[A-Za-z0-9_-]+\/connect(\?signed_in=1)?$/.test(value) ? value : '/';
}
