import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';

const STYLE = `
*{box-sizing:border-box}body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;background:#f3f4f8;color:#1c2030;display:grid;place-items:center;min-height:100vh}
main{background:#fff;border-radius:14px;box-shadow:0 8px 30px rgba(20,30,60,.12);padding:32px 36px;width:min(420px,92vw)}
h1{font-size:20px;margin:0 0 4px}p.sub{color:#5b6275;margin:0 0 20px}label{display:block;font-weight:600;margin:14px 0 6px}
input[type=email],input[type=password]{width:100%;padding:10px 12px;border:1px solid #cfd3de;border-radius:8px;font:inherit}
button,.button{display:inline-block;width:100%;margin-top:18px;padding:11px;border:0;border-radius:8px;background:#3949ab;color:#fff;font:600 15px system-ui;cursor:pointer;text-align:center;text-decoration:none}
button.secondary{background:#e8eaf2;color:#1c2030}.row{display:flex;gap:10px}.row button{flex:1}
.error{background:#fdecec;color:#9b1c1c;border-radius:8px;padding:10px 12px;margin:0 0 12px}.or{text-align:center;color:#8a90a2;margin:18px 0 0}
dl{display:grid;grid-template-columns:auto 1fr;gap:6px 14px;margin:16px 0;padding:14px;background:#f6f7fb;border-radius:10px}dt{color:#5b6275}dd{margin:0;font-weight:600;word-break:break-all}
.brand{font-weight:700;color:#3949ab;letter-spacing:.02em;margin-bottom:18px}`;

export interface PageOptions {
  title: string;
  status?: 200 | 400 | 401 | 403 | 429 | 502;
  /** Extra origins or schemes forms may submit (and be redirected) to. */
  formTargets?: string[];
}

/**
 * A server-rendered page: no JavaScript, a strict CSP (inline style allowed by nonce only),
 * no framing, no referrer, no caching. Every interpolated value is escaped by `html`.
 */
export function renderPage(c: Context, options: PageOptions, body: HtmlEscapedString | Promise<HtmlEscapedString>) {
  const nonce = randomBytes(16).toString('base64');
  const formAction = ["'self'", ...(options.formTargets ?? [])].join(' ');
  c.header(
    'Content-Security-Policy',
    `default-src 'none'; style-src 'nonce-${nonce}'; img-src 'self' data:; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`,
  );
  c.header('X-Frame-Options', 'DENY');
  c.header('Cache-Control', 'no-store');
  c.header('Referrer-Policy', 'no-referrer');
  return c.html(
    html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${options.title} · Switchboard</title><style nonce="${nonce}">${raw(STYLE)}</style></head>
<body><main><div class="brand">Switchboard</div>${body}</main></body></html>`,
    options.status ?? 200,
  );
}

/** The origin (or, for a private-use scheme, the scheme) a redirect URI sends the browser to, for form-action. */
export function formTargetOf(uri: string): string | undefined {
  try {
    const url = new URL(uri);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : url.protocol;
  } catch {
    return undefined;
  }
}
