/**
 * The pieces an MCP client application supplies for OAuth, as a headless test plays them:
 * an OAuthClientProvider (storage of client registration, tokens and PKCE verifier; it
 * records the authorization URL instead of opening a browser) usable by both the v2
 * `@modelcontextprotocol/client` and the v1 `@modelcontextprotocol/sdk` transports, and a
 * "user" who follows that URL, signs in and approves on the gateway's HTML pages.
 */
import { isPage, type PageResult, parseForm, TestBrowser } from '../../apps/gateway/src/testing/test-browser.ts';

export const CALLBACK = 'http://127.0.0.1:53682/callback';

// biome-ignore lint/suspicious/noExplicitAny: both SDKs' token/client shapes are structurally the same JSON
type Json = any;

export class HeadlessOAuthProvider {
  authorizationUrl: URL | undefined;
  private client: Json;
  private stored: Json;
  private verifier = '';
  readonly redirectUrl = CALLBACK;

  constructor(
    private readonly name: string,
    /** CIMD: a client_id that is the URL of this client's metadata document. */
    readonly clientMetadataUrl?: string,
  ) {}

  get clientMetadata() {
    return {
      client_name: this.name,
      redirect_uris: [CALLBACK],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }
  state() {
    return `state-${this.name}`;
  }
  clientInformation() {
    return this.client;
  }
  saveClientInformation(info: Json) {
    this.client = info;
  }
  tokens() {
    return this.stored;
  }
  saveTokens(tokens: Json) {
    this.stored = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }
  codeVerifier() {
    return this.verifier;
  }
  /** Which authorization server this flow started with, so the callback leg is checked against it. */
  private discovery: Json;
  saveDiscoveryState(state: Json) {
    this.discovery = state;
  }
  discoveryState() {
    return this.discovery;
  }
  /** Simulates an expired access token, so the next request needs the refresh token. */
  spoilAccessToken() {
    this.stored = { ...this.stored, access_token: `${this.stored.access_token.slice(0, -4)}AAAA` };
  }
}

/** Where the user's browser ends up: the client's callback with code, state and iss. */
export type Callback = URL;

async function finishOnGateway(browser: TestBrowser, page: PageResult | { redirectedTo: string }, approve = true): Promise<Callback> {
  let current = page;
  if (isPage(current) && current.html.includes('action="/consent"')) current = await browser.submit(current, { decision: approve ? 'approve' : 'deny' });
  if (isPage(current)) throw new Error(`expected the redirect to the client, got ${current.status} at ${current.url}:\n${current.html.slice(0, 600)}`);
  return new URL(current.redirectedTo);
}

/** A user signing in with a local password and approving. */
export async function signInLocally(authorizationUrl: URL, credentials: { email: string; password: string }, browser = new TestBrowser()): Promise<Callback> {
  const login = await browser.navigate(authorizationUrl.toString());
  if (!isPage(login)) return new URL(login.redirectedTo);
  return finishOnGateway(browser, await browser.submit(login, credentials));
}

/**
 * A user choosing "Sign in with <provider>" on the gateway's login page, signing in and
 * consenting at an `oidc-provider` (its development interaction pages), then approving
 * the MCP client on the gateway.
 */
export async function signInWithProvider(authorizationUrl: URL, providerName: string, login: string, origins: string[], browser = new TestBrowser(fetch, origins)): Promise<Callback> {
  const loginPage = await browser.navigate(authorizationUrl.toString());
  if (!isPage(loginPage)) throw new Error('expected the gateway login page');
  const href = new RegExp(`href="([^"]+)">Sign in with ${providerName}<`).exec(loginPage.html)?.[1];
  if (!href) throw new Error(`no "Sign in with ${providerName}" link on the login page`);
  let page = await browser.navigate(new URL(href.replace(/&amp;/g, '&'), loginPage.url).toString());
  // oidc-provider's development pages: a login form, then a consent ("confirm") form.
  for (let step = 0; step < 4 && isPage(page) && !page.url.startsWith(new URL(authorizationUrl).origin); step++) {
    const form = parseForm(page.html);
    page = await browser.submit(page, form.fields.login !== undefined ? { login, password: 'any' } : {});
  }
  return finishOnGateway(browser, page);
}

/**
 * An SDK client connected to a virtual server through the whole OAuth flow: the first
 * connect is refused (401), `signIn` plays the user at the authorization URL, the code is
 * redeemed, and a second client connects with the tokens.
 */
export async function connectWithOAuth(kind: 'v2' | 'v1', url: string, signIn: (authorizationUrl: URL) => Promise<Callback>) {
  const { Client, StreamableHTTPClientTransport, UnauthorizedError } = await import('@modelcontextprotocol/client');
  const { Client: V1Client } = await import('@modelcontextprotocol/sdk/client/index.js');
  const { StreamableHTTPClientTransport: V1Transport } = await import('@modelcontextprotocol/sdk/client/streamableHttp.js');
  const { UnauthorizedError: V1UnauthorizedError } = await import('@modelcontextprotocol/sdk/client/auth.js');
  const provider = new HeadlessOAuthProvider(`${kind} ${url.slice(-12)}`);
  const info = { name: `oauth-${kind}`, version: '1.0.0' };
  if (kind === 'v2') {
    const transport = new StreamableHTTPClientTransport(new URL(url), { authProvider: provider });
    const refused = await new Client(info).connect(transport).then(() => undefined, (error: unknown) => error);
    if (!(refused instanceof UnauthorizedError)) throw new Error(`expected UnauthorizedError, got ${String(refused)}`);
    await transport.finishAuth((await signIn(provider.authorizationUrl!)).searchParams);
    const client = new Client(info);
    const connected = new StreamableHTTPClientTransport(new URL(url), { authProvider: provider });
    await client.connect(connected);
    return { kind, client, provider, transport: connected };
  }
  const transport = new V1Transport(new URL(url), { authProvider: provider as never });
  const refused = await new V1Client(info).connect(transport).then(() => undefined, (error: unknown) => error);
  if (!(refused instanceof V1UnauthorizedError)) throw new Error(`expected UnauthorizedError, got ${String(refused)}`);
  await transport.finishAuth((await signIn(provider.authorizationUrl!)).searchParams.get('code')!);
  const client = new V1Client(info);
  const connected = new V1Transport(new URL(url), { authProvider: provider as never });
  await client.connect(connected);
  return { kind, client, provider, transport: connected };
}
