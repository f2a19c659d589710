/**
 * The whole OAuth story with the official SDK clients exactly as they ship: started with
 * only a virtual server's URL, they discover the authorization server (RFC 9728 → RFC 8414),
 * register (DCR), send the user to log in and consent (played headlessly over HTTP on the
 * gateway's HTML pages), redeem the code with PKCE, use the token, refresh it, and are
 * refused on a sibling virtual server. Once with a local user, once through `oidc-provider`
 * as the upstream OpenID provider; and in external-issuer mode, with tokens minted by it.
 */
import { Client, StreamableHTTPClientTransport, UnauthorizedError } from '@modelcontextprotocol/client';
import { Client as V1Client } from '@modelcontextprotocol/sdk/client/index.js';
import { UnauthorizedError as V1UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport as V1Transport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { startHttpFixture, startRecordingProxy } from '@switchboard/core/upstream/test-upstreams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initializeRequest, pkcePair, tokenRequest } from '../apps/gateway/src/testing/oauth-helpers.ts';
import { isPage, TestBrowser } from '../apps/gateway/src/testing/test-browser.ts';
import { Cleanup, type E2eGateway, startE2eGateway } from './support/gateway.ts';
import { CALLBACK, HeadlessOAuthProvider, signInLocally, signInWithProvider } from './support/oauth.ts';
import { addCorpProvider, type RunningProvider, startOidcProvider } from './support/oidc-provider.ts';
import { everythingEntry } from './support/upstreams.ts';

const DEV = '6c1f2a3b-4d5e-4f60-8a71-b2c3d4e5f601';
const OPS = '6c1f2a3b-4d5e-4f60-8a71-b2c3d4e5f602';
const alice = { email: 'alice@example.com', password: 'alice-password-123' };

describe('OAuth with the official SDK clients', () => {
  const cleanup = new Cleanup();
  let gw: E2eGateway;
  let idp: RunningProvider;
  let recorder: Awaited<ReturnType<typeof startRecordingProxy>>;

  beforeAll(async () => {
    const fx = await startHttpFixture();
    cleanup.add(() => fx.stop());
    recorder = await startRecordingProxy(fx.url);
    cleanup.add(() => recorder.stop());
    gw = await startE2eGateway();
    cleanup.add(() => gw.stop());
    idp = await startOidcProvider({ redirectUris: [`${gw.url}/oauth/callback/corp`], publicRedirectUri: CALLBACK, groupsOf: (login) => (login === 'erin' ? ['eng'] : []) });
    cleanup.add(() => idp.stop());
    await gw.importConfig({
      mcpServers: { everything: everythingEntry(), fx: { type: 'http', url: recorder.url } },
      virtualServers: {
        dev: { id: DEV, upstreams: ['everything', 'fx'], auth: 'oauth', defaultAccess: 'allow' },
        ops: { id: OPS, upstreams: ['everything'], auth: 'oauth', defaultAccess: 'allow' },
      },
      users: { [alice.email]: { name: 'Alice', password: alice.password } },
      roles: { eng: {} },
    });
    await addCorpProvider(gw, idp, ['eng']);
  }, 120_000);
  afterAll(() => cleanup.run());

  async function expectRefusedOnSibling(accessToken: string) {
    const response = await fetch(gw.mcpUrl(OPS), initializeRequest(accessToken));
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain(`resource_metadata="${gw.url}/.well-known/oauth-protected-resource/servers/${OPS}/mcp"`);
  }

  it('v2 client: discovers, registers, logs in a local user, calls tools, refreshes', async () => {
    const provider = new HeadlessOAuthProvider('v2 e2e');
    const first = new Client({ name: 'v2-oauth', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL(gw.mcpUrl(DEV)), { authProvider: provider });
    await expect(first.connect(transport)).rejects.toBeInstanceOf(UnauthorizedError);
    expect(provider.clientInformation().client_id).toMatch(/^sbc_/);
    expect(provider.authorizationUrl?.searchParams.get('resource')).toBe(gw.mcpUrl(DEV));
    expect(provider.authorizationUrl?.searchParams.get('code_challenge_method')).toBe('S256');

    const callback = await signInLocally(provider.authorizationUrl!, alice);
    expect(callback.searchParams.get('iss')).toBe(gw.url);
    await transport.finishAuth(callback.searchParams);
    const firstTokens = provider.tokens();
    expect(firstTokens.refresh_token).toMatch(/^sbr_/);

    const client = new Client({ name: 'v2-oauth', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(gw.mcpUrl(DEV)), { authProvider: provider }));
    const tools = (await client.listTools()).tools.map((t) => t.name);
    expect(tools).toContain('everything__echo');
    const echoed = await client.callTool({ name: 'everything__echo', arguments: { message: 'hi via oauth' } });
    expect(JSON.stringify(echoed.content)).toContain('hi via oauth');

    // The client's token stays at the gateway: the HTTP upstream never sees it.
    const seenBefore = recorder.seen.length;
    expect((await client.callTool({ name: 'fx__test_simple_text', arguments: {} })).isError).toBeFalsy();
    expect(recorder.seen.length).toBeGreaterThan(seenBefore);
    for (const request of recorder.seen) expect(request.headers.authorization ?? '').not.toContain(firstTokens.access_token);

    provider.spoilAccessToken();
    const again = await client.callTool({ name: 'everything__echo', arguments: { message: 'after refresh' } });
    expect(JSON.stringify(again.content)).toContain('after refresh');
    expect(provider.tokens().refresh_token).not.toBe(firstTokens.refresh_token);
    await client.close();
    await expectRefusedOnSibling(provider.tokens().access_token);
  }, 60_000);

  it('v1 client: the same flow with @modelcontextprotocol/sdk', async () => {
    const provider = new HeadlessOAuthProvider('v1 e2e');
    const transport = new V1Transport(new URL(gw.mcpUrl(DEV)), { authProvider: provider as never });
    await expect(new V1Client({ name: 'v1-oauth', version: '1.0.0' }).connect(transport)).rejects.toBeInstanceOf(V1UnauthorizedError);
    const callback = await signInLocally(provider.authorizationUrl!, alice);
    await transport.finishAuth(callback.searchParams.get('code')!);

    const client = new V1Client({ name: 'v1-oauth', version: '1.0.0' });
    await client.connect(new V1Transport(new URL(gw.mcpUrl(DEV)), { authProvider: provider as never }));
    expect((await client.listTools()).tools.map((t) => t.name)).toContain('everything__echo');
    const before = provider.tokens().refresh_token;
    provider.spoilAccessToken();
    const result = await client.callTool({ name: 'everything__echo', arguments: { message: 'v1 refreshed' } }, CallToolResultSchema);
    expect(JSON.stringify(result.content)).toContain('v1 refreshed');
    expect(provider.tokens().refresh_token).not.toBe(before);
    await client.close();
    await expectRefusedOnSibling(provider.tokens().access_token);
  }, 60_000);

  it('v2 client: a user from oidc-provider logs in, is provisioned with the mapped role, and is connected', async () => {
    const provider = new HeadlessOAuthProvider('v2 oidc');
    const transport = new StreamableHTTPClientTransport(new URL(gw.mcpUrl(DEV)), { authProvider: provider });
    await expect(new Client({ name: 'v2-oidc', version: '1.0.0' }).connect(transport)).rejects.toBeInstanceOf(UnauthorizedError);
    const callback = await signInWithProvider(provider.authorizationUrl!, 'Corp SSO', 'erin', [gw.url, idp.issuer]);
    expect(callback.searchParams.get('code')).toBeTruthy();
    await transport.finishAuth(callback.searchParams);
    const client = new Client({ name: 'v2-oidc', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(gw.mcpUrl(DEV)), { authProvider: provider }));
    expect((await client.listTools()).tools.map((t) => t.name)).toContain('everything__echo');
    await client.close();

    const users = await gw.api('GET', '/api/v1/users?limit=200');
    const erin = users.body.items.find((u: { email: string }) => u.email === 'erin@corp.example');
    expect(erin).toMatchObject({ name: 'User erin', roles: ['eng'], hasPassword: false });
  }, 60_000);

  it('refuses a provider callback that did not start in this browser', async () => {
    const browser = new TestBrowser(fetch, [gw.url, idp.issuer]);
    const page = await browser.navigate(`${gw.url}/oauth/callback/corp?code=stolen&state=whatever&iss=${encodeURIComponent(idp.issuer)}`);
    expect(isPage(page) && page.status).toBe(400);
    expect(isPage(page) && page.html).toContain('was not started in this browser');
  });
});

describe('external issuer mode: tokens minted by oidc-provider', () => {
  const cleanup = new Cleanup();
  let gw: E2eGateway;
  let idp: RunningProvider;

  beforeAll(async () => {
    idp = await startOidcProvider({ redirectUris: ['http://127.0.0.1:1/unused'], publicRedirectUri: CALLBACK, groupsOf: () => [] });
    cleanup.add(() => idp.stop());
    gw = await startE2eGateway({ SWITCHBOARD_EXTERNAL_ISSUER: idp.issuer, SWITCHBOARD_EXTERNAL_ALGORITHMS: 'RS256' });
    cleanup.add(() => gw.stop());
    await gw.importConfig({
      mcpServers: { everything: everythingEntry() },
      virtualServers: {
        dev: { id: DEV, upstreams: ['everything'], auth: 'oauth', defaultAccess: 'allow' },
        ops: { id: OPS, upstreams: ['everything'], auth: 'oauth', defaultAccess: 'allow' },
      },
    });
  }, 120_000);
  afterAll(() => cleanup.run());

  /** A JWT access token for `resource` from the provider, by authorization code + PKCE as a public client. */
  async function externalToken(resource: string): Promise<string> {
    const { verifier, challenge } = pkcePair();
    const authorize = new URL(`${idp.issuer}/auth`);
    for (const [k, v] of Object.entries({ client_id: idp.publicClientId, response_type: 'code', redirect_uri: CALLBACK, scope: 'openid mcp', resource, code_challenge: challenge, code_challenge_method: 'S256', state: 's' })) {
      authorize.searchParams.set(k, v);
    }
    const browser = new TestBrowser(fetch, [idp.issuer]);
    let page = await browser.navigate(authorize.toString());
    for (let step = 0; step < 4 && isPage(page); step++) page = await browser.submit(page, page.html.includes('name="login"') ? { login: 'frank', password: 'x' } : {});
    if (isPage(page)) throw new Error('the provider did not redirect back');
    const code = new URL(page.redirectedTo).searchParams.get('code')!;
    const response = await fetch(`${idp.issuer}/token`, tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier, client_id: idp.publicClientId, resource }));
    const body = (await response.json()) as { access_token?: string };
    if (!body.access_token) throw new Error(`token request failed: ${JSON.stringify(body)}`);
    return body.access_token;
  }

  it('points clients at the external issuer and accepts its tokens for this server only', async () => {
    const prm = await (await fetch(`${gw.url}/.well-known/oauth-protected-resource/servers/${DEV}/mcp`)).json();
    expect(prm).toMatchObject({ resource: gw.mcpUrl(DEV), authorization_servers: [idp.issuer] });
    const token = await externalToken(gw.mcpUrl(DEV));
    const ok = await fetch(gw.mcpUrl(DEV), initializeRequest(token));
    expect(ok.status).toBe(200);
    const sibling = await fetch(gw.mcpUrl(OPS), initializeRequest(token));
    expect(sibling.status).toBe(401);
    const users = await gw.api('GET', '/api/v1/users?limit=200');
    expect(users.body.items.map((u: { email: string }) => u.email)).toContain('frank@corp.example');
  }, 60_000);
});
