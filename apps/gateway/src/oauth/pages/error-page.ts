import type { Context } from 'hono';
import { html } from 'hono/html';
import { renderPage } from './layout.ts';

/** Shown when a request cannot safely be answered by redirecting (unknown client, bad redirect URI, …). */
export function errorPage(c: Context, title: string, message: string, status: 400 | 403 = 400) {
  return renderPage(c, { title, status }, html`<h1>${title}</h1><p class="sub">${message}</p>`);
}
