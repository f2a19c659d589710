/**
 * Where a login may send the browser afterwards: our own authorization endpoint (to resume
 * an authorization request), otherwise the console root. Never an absolute URL, so the login
 * page cannot be used as an open redirector.
 */
export function safeReturnTo(value: string | undefined): string {
  if (!value || value.length > 8000 || /[\\\r\n]/.test(value)) return '/';
  return value.startsWith('/oauth/authorize?') ? value : '/';
}
