import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { CookieOptions } from 'hono/utils/cookie';

/** How long a console sign-in lasts. */
export const CONSOLE_SESSION_TTL_SECONDS = 8 * 60 * 60;

/** The header the console echoes its session's CSRF token in, on every change. */
export const CSRF_HEADER = 'x-csrf-token';

/**
 * The console's session cookie. Behind https it is `__Host-` prefixed and Secure (bound to
 * this exact origin, unsettable by subdomains); over plain http (local use) neither can be.
 */
export function consoleCookie(publicUrl: string): { name: string; options: CookieOptions } {
  const secure = publicUrl.startsWith('https:');
  return {
    name: secure ? '__Host-switchboard_console' : 'switchboard_console',
    options: { httpOnly: true, sameSite: 'Strict', path: '/', secure },
  };
}

export function readConsoleCookie(c: Context, publicUrl: string): string | undefined {
  return getCookie(c, consoleCookie(publicUrl).name);
}

export function writeConsoleCookie(c: Context, publicUrl: string, token: string, expiresAt: Date) {
  const { name, options } = consoleCookie(publicUrl);
  setCookie(c, name, token, { ...options, expires: expiresAt });
}

export function clearConsoleCookie(c: Context, publicUrl: string) {
  const { name, options } = consoleCookie(publicUrl);
  deleteCookie(c, name, options);
}
