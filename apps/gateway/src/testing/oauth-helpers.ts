import { randomBytes } from 'node:crypto';
import { s256 } from '@switchboard/auth/oauth/pkce';
import { isPage, type PageResult, type TestBrowser } from './test-browser.ts';

export function pkcePair() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: s256(verifier) };
}

export interface AuthorizeInput {
  issuer: string;
  clientId: string;
  redirectUri: string;
  resource: string;
  challenge?: string;
  method?: string;
  state?: string;
  scope?: string;
  extra?: Record<string, string>;
}

export function authorizeUrl(input: AuthorizeInput): string {
  const url = new URL(`${input.issuer}/oauth/authorize`);
  const params: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: input.clientId,
    redirect_uri: input.redirectUri,
    code_challenge: input.challenge,
    code_challenge_method: input.method ?? (input.challenge ? 'S256' : undefined),
    state: input.state ?? 'st-123',
    scope: input.scope,
    resource: input.resource,
    ...input.extra,
  };
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return url.toString();
}

/** Logs in on our login page and approves the consent page; returns where the browser was sent. */
export async function loginAndConsent(browser: TestBrowser, url: string, credentials: { email: string; password: string }, decision = 'approve') {
  const login = await browser.navigate(url);
  if (!isPage(login)) return new URL(login.redirectedTo);
  let page: PageResult | { redirectedTo: string } = login;
  if (login.html.includes('action="/login"')) page = await browser.submit(login, credentials);
  if (isPage(page) && page.html.includes('action="/consent"')) page = await browser.submit(page, { decision });
  if (isPage(page)) throw new Error(`expected a redirect to the client, got ${page.status}:\n${page.html.slice(0, 800)}`);
  return new URL(page.redirectedTo);
}

export function tokenRequest(fields: Record<string, string>, basic?: { id: string; secret: string }): RequestInit {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (basic) headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(basic.id)}:${encodeURIComponent(basic.secret)}`).toString('base64')}`;
  return { method: 'POST', headers, body: new URLSearchParams(fields).toString() };
}

/** A 2025-era initialize request body, for checking that a token opens a virtual server. */
export const initializeRequest = (token?: string): RequestInit => ({
  method: 'POST',
  headers: {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  },
  body: JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'test', version: '1' } },
  }),
});
