/**
 * Per-person upstream OAuth and token exchange, with real parts only: `oidc-provider` as the
 * upstream's authorization server (DCR, rotating refresh tokens, revocation, resource
 * indicators → JWT access tokens for the upstream's URL), an SDK Streamable HTTP server that
 * verifies those tokens against the AS's JWKS and says whose they are, the gateway in
 * between, official SDK clients, and each person's browser played over HTTP (cookies, forms,
 * redirects) through the gateway's and the AS's pages.
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { upstreamOauthClients, userConnections, userIdentities } from '@switchboard/db/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPage, type PageResult, TestBrowser } from '../apps/gateway/src/testing/test-browser.ts';
import { Cleanup, type E2eGateway, startE2eGateway } from './support/gateway.ts';
import { HeadlessOAuthProvider, signInLocally, signInWithProvider } from './support/oauth.ts';
import { type ProtectedMcpServer, type RunningAuthorizationServer, startAuthorizationServer, startProtectedMcpServer, TOKEN_EXCHANGE } from './support/oauth-upstream.ts';

const DEV = '7d2e3f40-5a6b-4c7d-8e9f-a0b1c2d3e401';
const people = {
  alice: { email: 'alice@example.com', password: 'alice-password-123' },
  bob: { email: 'bob@example.com', password: 'bob-password-1234' },
};
type Person = keyof typeof people;

interface Session {
  browser: TestBrowser;
  client: Client;
  call(tool: string): Promise<{ isError?: boolean; content?: Array<{ type: string; text?: string }> }>;
}

describe('upstreams that need each person’s own OAuth token', () => {
  const cleanup = new Cleanup();
  let gw: E2eGateway;
  let as: RunningAuthorizationServer;
  let upstream: ProtectedMcpServer;
  const sessions = {} as Record<Person, Session>;

  /** The person signs in to an MCP client (the gateway's own OAuth), which declares URL elicitation. */
  async function signInClient(person: Person): Promise<Session> {
    const browser = new TestBrowser(fetch, [gw.url, as.issuer]);
    const provider = new HeadlessOAuthProvider(`client of ${person}`);
    const first = new StreamableHTTPClientTransport(new URL(gw.mcpUrl(DEV)), { authProvider: provider });
    await new Client({ name: 'e2e', version: '1' }).connect(first).catch(() => undefined);
    await first.finishAuth((await signInLocally(provider.authorizationUrl!, people[person], browser)).searchParams);
    const client = new Client({ name: 'e2e', version: '1' }, { capabilities: { elicitation: { url: {} } } });
    await client.connect(new StreamableHTTPClientTransport(new URL(gw.mcpUrl(DEV)), { authProvider: provider }));
    cleanup.add(() => client.close());
    return { browser, client, call: (tool) => client.callTool({ name: tool, arguments: {} }) as never };
  }

  /** In the person's browser: the gateway's connect link, the AS's login and consent pages, back to the gateway. */
  async function connect(person: Person, link = `${gw.url}/connections/secure/connect`): Promise<PageResult> {
    const { browser } = sessions[person];
    let page = await browser.navigate(link);
    for (let step = 0; step < 4 && isPage(page) && page.url.startsWith(as.issuer); step++) {
      page = await browser.submit(page, page.html.includes('name="login"') ? { login: person, password: 'any' } : {});
    }
    if (!isPage(page)) throw new Error(`the flow left for ${page.redirectedTo}`);
    return page;
  }

  const textOf = (result: { content?: Array<{ text?: string }> }) => (result.content ?? []).map((c) => c.text).join(' ');

  beforeAll(async () => {
    gw = await startE2eGateway();
    cleanup.add(() => gw.stop());
    // 61 s tokens: a minute before expiry the gateway refreshes, so a second after connecting it must
    as = await startAuthorizationServer({ accessTokenTtl: 61 });
    cleanup.add(() => as.stop());
    upstream = await startProtectedMcpServer({ trustedIssuer: as.issuer });
    cleanup.add(() => upstream.stop());
    await gw.importConfig({
      mcpServers: { secure: { type: 'http', url: upstream.url, credentials: { mode: 'oauth', authorizationServer: as.issuer } } },
      virtualServers: { dev: { id: DEV, upstreams: ['secure'], auth: 'oauth', defaultAccess: 'allow' } },
      users: { [people.alice.email]: { name: 'Alice', password: people.alice.password }, [people.bob.email]: { name: 'Bob', password: people.bob.password } },
    });
    sessions.alice = await signInClient('alice');
    sessions.bob = await signInClient('bob');
  }, 180_000);
  afterAll(() => cleanup.run());

  /** A refused call, as the client sees it: a JSON-RPC error (code, message, data) or a tool error. */
  async function refusal(person: Person) {
    return sessions[person].call('secure__whoami').then(
      (r) => ({ code: undefined as number | undefined, text: textOf(r) }),
      (e: { code?: number; message: string; data?: unknown }) => ({ code: e.code, text: `${e.message} ${JSON.stringify(e.data)}` }),
    );
  }

  it('each person connects through their browser and reaches the upstream as themselves; one not connected gets the link', async () => {
    const done = await connect('alice');
    expect(done.url).toContain('/oauth/upstream-callback');
    expect(done.html).toContain('Connected');
    expect(textOf(await sessions.alice.call('secure__whoami'))).toBe('alice');

    // bob has not connected: the URL-elicitation error (his client declared URL elicitation) with the link
    const refused = await refusal('bob');
    expect(refused.code).toBe(-32042);
    expect(refused.text).toContain(`${gw.url}/connections/secure`);

    expect((await connect('bob')).html).toContain('Connected');
    expect(textOf(await sessions.bob.call('secure__whoami'))).toBe('bob');
    expect(textOf(await sessions.alice.call('secure__whoami'))).toBe('alice');
    // the gateway registered itself once at the AS (DCR), for both people
    const registrations = await gw.running.deps.database.db.select().from(upstreamOauthClients);
    expect(registrations).toHaveLength(1);
    expect(registrations[0]!.issuer).toBe(as.issuer);
  });

  it('keeps tokens encrypted at rest: the raw rows show no token', async () => {
    const rows = await gw.running.deps.database.db.select().from(userConnections);
    expect(rows.map((r) => r.kind).sort()).toEqual(['oauth', 'oauth']);
    const raw = JSON.stringify(rows);
    expect(raw).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./); // no JWT access token
    expect(raw).not.toMatch(/access_token|refresh_token/);
    for (const row of rows) expect(row.payload).toMatch(/^sb1\./);
    const secrets = await gw.running.deps.database.db.select().from(upstreamOauthClients);
    for (const row of secrets) if (row.clientSecret) expect(row.clientSecret).toMatch(/^sb1\./);
  });

  it('refreshes an expiring token silently (and the AS rotates the refresh token)', async () => {
    const refreshes = as.grants.filter((g) => g === 'refresh_token').length;
    const seen = upstream.calls.filter((c) => c.sub === 'alice').map((c) => c.jti);
    await new Promise((resolve) => setTimeout(resolve, 1500)); // now inside the minute before expiry
    expect(textOf(await sessions.alice.call('secure__whoami'))).toBe('alice');
    expect(as.grants.filter((g) => g === 'refresh_token').length).toBeGreaterThan(refreshes);
    expect(seen).not.toContain(upstream.calls.at(-1)!.jti); // a new token reached the upstream
  });

  it('a refresh token revoked at the AS: the next call gets the URL-elicitation error; reconnecting makes it work again', async () => {
    expect(await as.revokeGrantsOf('alice')).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const refused = await refusal('alice');
    expect(refused.code).toBe(-32042);
    expect(refused.text).toContain(`${gw.url}/connections/secure`);
    // bob is untouched
    expect(textOf(await sessions.bob.call('secure__whoami'))).toBe('bob');

    expect((await connect('alice')).html).toContain('Connected');
    expect(textOf(await sessions.alice.call('secure__whoami'))).toBe('alice');
  });

  it('refuses a callback with a foreign state and a replayed callback, storing nothing', async () => {
    // alice starts connecting, but the AS's answer is opened in bob's browser
    const { browser } = sessions.alice;
    const started = await browser.request(`${gw.url}/connections/secure/connect`);
    const authorization = new URL(started.headers.get('location')!);
    expect(authorization.origin).toBe(as.issuer);
    expect(authorization.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorization.searchParams.get('resource')).toBe(upstream.url);
    const state = authorization.searchParams.get('state')!;
    const before = await gw.running.deps.database.db.select().from(userConnections);

    const foreign = await sessions.bob.browser.navigate(`${gw.url}/oauth/upstream-callback?code=stolen&state=${encodeURIComponent(state)}`);
    expect(isPage(foreign) && foreign.status).toBe(400);
    expect(isPage(foreign) && foreign.html).toContain('another browser');

    // alice completes it; replaying the same callback URL then fails
    let page = await browser.navigate(authorization.toString());
    for (let step = 0; step < 4 && isPage(page) && page.url.startsWith(as.issuer); step++) {
      page = await browser.submit(page, page.html.includes('name="login"') ? { login: 'alice', password: 'any' } : {});
    }
    expect(isPage(page) && page.html).toContain('Connected');
    const callback = (page as PageResult).url;
    const replay = await browser.navigate(callback);
    expect(isPage(replay) && replay.status).toBe(400);
    expect(isPage(replay) && replay.html).toContain('already been completed');
    const after = await gw.running.deps.database.db.select().from(userConnections);
    expect(after.length).toBe(before.length);
    expect(textOf(await sessions.alice.call('secure__whoami'))).toBe('alice');
  });

  it('from the console: authorize returns the AS URL bound to this browser; disconnecting revokes the token at the AS', async () => {
    const admin = await gw.api('POST', '/api/v1/users', { email: 'carol@example.com', name: 'Carol', password: 'carol-password-123', isAdmin: true });
    expect(admin.status).toBe(201);
    const browser = new TestBrowser(fetch, [gw.url, as.issuer]);
    const signIn = await browser.request(`${gw.url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'carol@example.com', password: 'carol-password-123' }) });
    const { csrfToken } = (await signIn.json()) as { csrfToken: string };
    const asPerson = (method: string, path: string) =>
      browser.request(`${gw.url}/api/v1/me/connections${path ? `/${path}` : ''}`, { method, headers: { 'x-csrf-token': csrfToken } });

    const authorize = await asPerson('POST', 'secure/authorize');
    expect(authorize.status).toBe(200);
    const { url } = (await authorize.json()) as { url: string };
    expect(new URL(url).origin).toBe(as.issuer);
    let page = await browser.navigate(url);
    for (let step = 0; step < 4 && isPage(page) && page.url.startsWith(as.issuer); step++) {
      page = await browser.submit(page, page.html.includes('name="login"') ? { login: 'carol', password: 'any' } : {});
    }
    expect(isPage(page) && page.html).toContain('Connected');
    const listed = (await (await asPerson('GET', '')).json()) as { items: Array<{ upstream: { name: string }; status: string; metadata: Record<string, unknown> }> };
    expect(listed.items.find((i) => i.upstream.name === 'secure')).toMatchObject({ status: 'connected', metadata: { issuer: as.issuer } });

    // the refresh token the gateway holds is live at the AS until carol disconnects
    const [row] = (await gw.running.deps.database.db.select().from(userConnections)).filter((r) => r.userId === admin.body.id);
    const held = JSON.parse(gw.running.deps.ctx.secrets.decrypt(row!.payload)) as { refresh_token: string };
    expect(await as.provider.RefreshToken.find(held.refresh_token)).toBeTruthy();
    expect((await asPerson('DELETE', 'secure')).status).toBe(204);
    expect(await as.provider.RefreshToken.find(held.refresh_token)).toBeFalsy();
    expect((await asPerson('GET', 'secure').then((r) => r.json())) as { status: string }).toMatchObject({ status: 'not_connected' });
  });

  it('identifies itself with its Client ID Metadata Document where the AS supports it (no registration)', async () => {
    const cimdAs = await startAuthorizationServer({ accessTokenTtl: 300, discovery: { client_id_metadata_document_supported: true } });
    cleanup.add(() => cimdAs.stop());
    const docs = await startProtectedMcpServer({ trustedIssuer: cimdAs.issuer });
    cleanup.add(() => docs.stop());
    await gw.importConfig({
      mcpServers: { docs: { type: 'http', url: docs.url, credentials: { mode: 'oauth', authorizationServer: cimdAs.issuer } } },
      virtualServers: { dev: { id: DEV, upstreams: ['secure', 'docs'], auth: 'oauth', defaultAccess: 'allow' } },
    });
    const started = await sessions.alice.browser.request(`${gw.url}/connections/docs/connect`);
    const authorization = new URL(started.headers.get('location')!);
    expect(authorization.origin).toBe(cimdAs.issuer);
    expect(authorization.searchParams.get('client_id')).toBe(`${gw.url}/oauth/client-metadata.json`);
    const document = (await (await fetch(`${gw.url}/oauth/client-metadata.json`)).json()) as Record<string, unknown>;
    expect(document).toMatchObject({ client_id: `${gw.url}/oauth/client-metadata.json`, redirect_uris: [`${gw.url}/oauth/upstream-callback`], token_endpoint_auth_method: 'none' });
    const registrations = await gw.running.deps.database.db.select().from(upstreamOauthClients);
    expect(registrations.map((r) => r.issuer)).not.toContain(cimdAs.issuer);
  });

  it('refuses an authorization server the upstream names on a private address the admin did not configure', async () => {
    // an upstream (admin-configured, on loopback) whose metadata sends the gateway to another
    // loopback port, and one that names a private network address
    const rogue = await startProtectedMcpServer({ trustedIssuer: as.issuer });
    cleanup.add(() => rogue.stop());
    const inner = await startProtectedMcpServer({ trustedIssuer: as.issuer, authorizationServers: ['https://10.20.30.40/'] });
    cleanup.add(() => inner.stop());
    await gw.importConfig({
      mcpServers: {
        rogue: { type: 'http', url: rogue.url, credentials: 'oauth' },
        inner: { type: 'http', url: inner.url, credentials: 'oauth' },
      },
      virtualServers: { dev: { id: DEV, upstreams: ['secure', 'rogue', 'inner'], auth: 'oauth', defaultAccess: 'allow' } },
    });
    const grantsBefore = as.grants.length;
    for (const name of ['rogue', 'inner']) {
      const page = await sessions.alice.browser.navigate(`${gw.url}/connections/${name}/connect`);
      expect(isPage(page) && page.status).toBe(502);
      expect(isPage(page) && page.html).toContain(`Cannot connect ${name}`);
    }
    const rows = await gw.running.deps.database.db.select().from(upstreamOauthClients);
    expect(rows.map((r) => r.issuer)).toEqual([as.issuer]); // no registration anywhere else
    expect(as.grants.length).toBe(grantsBefore);
  });
});

describe('token exchange: an upstream that trusts the identity provider people log in with', () => {
  const cleanup = new Cleanup();
  const SERVER = '7d2e3f40-5a6b-4c7d-8e9f-a0b1c2d3e402';
  let gw: E2eGateway;
  let idp: RunningAuthorizationServer;
  let hr: ProtectedMcpServer;

  beforeAll(async () => {
    gw = await startE2eGateway();
    cleanup.add(() => gw.stop());
    idp = await startAuthorizationServer({
      accessTokenTtl: 300,
      tokenExchange: true,
      clients: [
        {
          client_id: 'switchboard',
          client_secret: 'gateway-client-secret-0123456789abcdef',
          redirect_uris: [`${gw.url}/oauth/callback/corp`],
          grant_types: ['authorization_code', 'refresh_token', TOKEN_EXCHANGE],
          response_types: ['code'],
          token_endpoint_auth_method: 'client_secret_basic',
        },
      ],
    });
    cleanup.add(() => idp.stop());
    hr = await startProtectedMcpServer({ trustedIssuer: idp.issuer });
    cleanup.add(() => hr.stop());
    const created = await gw.api('POST', '/api/v1/identity-providers', {
      slug: 'corp',
      displayName: 'Corp SSO',
      issuer: idp.issuer,
      clientId: 'switchboard',
      clientSecret: 'gateway-client-secret-0123456789abcdef',
      scopes: ['openid', 'email', 'profile'],
    });
    expect(created.status).toBe(201);
    await gw.importConfig({
      mcpServers: { hr: { type: 'http', url: hr.url, credentials: { mode: 'token-exchange', identityProvider: 'corp' } } },
      virtualServers: { hr: { id: SERVER, upstreams: ['hr'], auth: 'oauth', defaultAccess: 'allow' } },
    });
  }, 180_000);
  afterAll(() => cleanup.run());

  it('exchanges each person’s login token for one with the upstream’s audience, with no second browser flow', async () => {
    const seen: Record<string, string> = {};
    const clients: Record<string, Client> = {};
    for (const login of ['dave', 'erin']) {
      const browser = new TestBrowser(fetch, [gw.url, idp.issuer]);
      const provider = new HeadlessOAuthProvider(`client of ${login}`);
      const first = new StreamableHTTPClientTransport(new URL(gw.mcpUrl(SERVER)), { authProvider: provider });
      await new Client({ name: 'e2e', version: '1' }).connect(first).catch(() => undefined);
      await first.finishAuth((await signInWithProvider(provider.authorizationUrl!, 'Corp SSO', login, [gw.url, idp.issuer], browser)).searchParams);
      const client = new Client({ name: 'e2e', version: '1' });
      await client.connect(new StreamableHTTPClientTransport(new URL(gw.mcpUrl(SERVER)), { authProvider: provider }));
      cleanup.add(() => client.close());
      clients[login] = client;
      // the connect link needs no second sign-in: the exchange happens at once
      const page = await browser.navigate(`${gw.url}/connections/hr/connect`);
      expect(isPage(page) && page.html).toContain('Connected');
      const result = (await client.callTool({ name: 'hr__whoami', arguments: {} })) as { content: Array<{ text: string }> };
      seen[login] = result.content[0]!.text;
    }
    expect(seen).toEqual({ dave: 'dave', erin: 'erin' });
    expect(idp.grants.filter((g) => g === TOKEN_EXCHANGE).length).toBeGreaterThanOrEqual(2);
    // the login tokens and exchanged tokens are encrypted at rest
    const rows = JSON.stringify([
      ...(await gw.running.deps.database.db.select().from(userConnections)),
      ...(await gw.running.deps.database.db.select().from(userIdentities)),
    ]);
    expect(rows).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.|access_token|refresh_token/);
    // cached per person until expiry: more calls exchange nothing
    const exchanges = idp.grants.filter((g) => g === TOKEN_EXCHANGE).length;
    for (const login of ['dave', 'erin']) {
      const again = (await clients[login]!.callTool({ name: 'hr__whoami', arguments: {} })) as { content: Array<{ text: string }> };
      expect(again.content[0]!.text).toBe(login);
    }
    expect(idp.grants.filter((g) => g === TOKEN_EXCHANGE).length).toBe(exchanges);
  });
});
