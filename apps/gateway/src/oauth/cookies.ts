import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';

export type CookieName = 'login' | 'login_csrf' | 'oidc' | 'upstream_oauth';

/**
 * Cookie names and flags. On https the `__Host-` prefix pins a cookie to our exact origin
 * (Secure, Path=/, no Domain) so a sibling subdomain cannot plant or read it; on plain
 * http (local development, tests) the prefix is not allowed, so the name is bare.
 */
export function cookieJar(publicUrl: string) {
  const secure = publicUrl.startsWith('https://');
  const name = (base: CookieName) => `${secure ? '__Host-' : ''}sb_${base}`;
  return {
    get: (c: Context, base: CookieName) => getCookie(c, name(base)),
    set: (c: Context, base: CookieName, value: string, maxAgeSeconds: number, sameSite: 'Lax' | 'Strict' = 'Lax') =>
      setCookie(c, name(base), value, { path: '/', httpOnly: true, secure, sameSite, maxAge: maxAgeSeconds }),
    clear: (c: Context, base: CookieName) => deleteCookie(c, name(base), { path: '/', secure }),
  };
}
export type CookieJar = ReturnType<typeof cookieJar>;
