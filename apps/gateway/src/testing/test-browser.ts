/**
 * Plays a browser for OAuth tests over plain HTTP: keeps cookies per origin, follows
 * redirects within the server, and submits the HTML forms our pages render. It stops at a
 * redirect leaving for another origin (the client's redirect URI) and reports it.
 */
export type FetchLike = (url: string, init?: RequestInit) => Promise<Response>;

export interface PageResult {
  status: number;
  url: string;
  html: string;
  headers: Headers;
}

export interface FormData {
  action: string;
  fields: Record<string, string>;
  /** The values of submit buttons, by name. */
  buttons: Record<string, string[]>;
}

const decode = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

export function parseForm(html: string, index = 0): FormData {
  const forms = [...html.matchAll(/<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/g)];
  const form = forms[index];
  if (!form) throw new Error(`no form #${index} in page:\n${html.slice(0, 500)}`);
  const fields: Record<string, string> = {};
  for (const input of form[2]!.matchAll(/<input([^>]*)>/g)) {
    const name = /name="([^"]*)"/.exec(input[1]!)?.[1];
    const value = /value="([^"]*)"/.exec(input[1]!)?.[1] ?? '';
    if (name) fields[decode(name)] = decode(value);
  }
  const buttons: Record<string, string[]> = {};
  for (const button of form[2]!.matchAll(/<button[^>]*name="([^"]*)"[^>]*value="([^"]*)"/g)) {
    buttons[button[1]!] = [...(buttons[button[1]!] ?? []), button[2]!];
  }
  return { action: decode(form[1]!), fields, buttons };
}

export class TestBrowser {
  private cookies = new Map<string, Map<string, string>>();

  /**
   * @param origins where redirects may be followed (e.g. the gateway and an upstream identity
   *   provider); empty = stay on the origin of each navigation.
   */
  constructor(
    private readonly fetchFn: FetchLike = fetch,
    private readonly origins: string[] = [],
  ) {}

  cookie(origin: string, name: string): string | undefined {
    return this.cookies.get(origin)?.get(name);
  }

  setCookie(origin: string, name: string, value: string) {
    const jar = this.cookies.get(origin) ?? new Map<string, string>();
    this.cookies.set(origin, jar);
    jar.set(name, value);
  }

  private remember(origin: string, headers: Headers) {
    for (const line of headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '';
      if (expired) this.cookies.get(origin)?.delete(name);
      else this.setCookie(origin, name, value);
    }
  }

  /** One request with this browser's cookies; no redirect following. */
  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const origin = new URL(url).origin;
    const headers = new Headers(init.headers);
    const jar = this.cookies.get(origin);
    if (jar?.size) headers.set('cookie', [...jar].map(([n, v]) => `${n}=${v}`).join('; '));
    const response = await this.fetchFn(url, { ...init, headers, redirect: 'manual' });
    this.remember(origin, response.headers);
    return response;
  }

  /**
   * Follows redirects within the origins this browser may visit (by default the one it
   * started on); stops at the first page or at a redirect leaving them (the client's
   * redirect URI), which it reports.
   */
  async navigate(url: string, init: RequestInit = {}): Promise<PageResult | { redirectedTo: string }> {
    let current = url;
    let response = await this.request(current, init);
    for (let hops = 0; hops < 15 && response.status >= 300 && response.status < 400; hops++) {
      const next = new URL(response.headers.get('location')!, current);
      const allowed = this.origins.length ? this.origins.includes(next.origin) : next.origin === new URL(current).origin;
      if (!allowed) return { redirectedTo: next.toString() };
      current = next.toString();
      response = await this.request(current);
    }
    return { status: response.status, url: current, html: await response.text(), headers: response.headers };
  }

  /** Submits form #index of a page with some fields changed (and a button's name=value). */
  async submit(page: PageResult, changes: Record<string, string>, index = 0) {
    const form = parseForm(page.html, index);
    const body = new URLSearchParams({ ...form.fields, ...changes });
    return this.navigate(new URL(form.action, page.url).toString(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: body.toString(),
    });
  }
}

export function isPage(result: PageResult | { redirectedTo: string }): result is PageResult {
  return 'html' in result;
}
