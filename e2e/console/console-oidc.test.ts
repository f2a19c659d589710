/**
 * Console sign-in through an OpenID provider (`oidc-provider` from npm, a real IdP on a
 * loopback port) in Chromium: "Sign in with Corp SSO" on the console, the provider's
 * login and consent pages, back to the console signed in. Administrators get the whole
 * console; other people their own area (My servers, connections, keys) and nothing else.
 * Browser errors on the gateway's pages fail the test; the provider's own pages are not ours.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cleanup, type E2eGateway, startE2eGateway } from '../support/gateway.ts';
import { addCorpProvider, type RunningProvider, startOidcProvider } from '../support/oidc-provider.ts';
import { checkEachTest, type ConsoleBrowser, openBrowser } from './browser.ts';
import { buildConsole } from './build-console.ts';

describe('console sign-in with an OpenID provider', () => {
  const cleanup = new Cleanup();
  let gw: E2eGateway;
  let idp: RunningProvider;
  let b: ConsoleBrowser;

  beforeAll(async () => {
    const consoleDir = await buildConsole();
    gw = await startE2eGateway({ SWITCHBOARD_CONSOLE_DIR: consoleDir });
    cleanup.add(() => gw.stop());
    idp = await startOidcProvider({ redirectUris: [`${gw.url}/oauth/callback/corp`], publicRedirectUri: 'http://127.0.0.1:1/unused', groupsOf: () => [] });
    cleanup.add(() => idp.stop());
    await addCorpProvider(gw, idp);
    // The provider vouches for root@corp.example; that account is an administrator here.
    expect((await gw.api('POST', '/api/v1/users', { email: 'root@corp.example', name: 'Root', isAdmin: true })).status).toBe(201);
    b = await openBrowser(gw.url, { errorOrigins: [gw.url] });
    cleanup.add(() => b.close());
  });
  afterAll(() => cleanup.run());
  checkEachTest(() => b, 'failed-oidc');

  /** Through the provider's development pages: log in as `login`, then confirm. */
  async function signInAtProvider(login: string) {
    const { page } = b;
    await b.context.clearCookies(); // a fresh browser: no session at the provider either
    await page.goto('/');
    await page.getByRole('link', { name: 'Sign in with Corp SSO' }).click();
    await page.waitForURL((url) => url.href.startsWith(idp.issuer));
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill('any');
    await page.locator('button[type="submit"]').click();
    const confirm = page.locator('button[type="submit"]');
    await confirm.waitFor();
    if (page.url().startsWith(idp.issuer)) await confirm.click();
    await page.waitForURL((url) => url.href.startsWith(gw.url));
  }

  it('signs an administrator in and shows who it is', async () => {
    await signInAtProvider('root');
    const { page } = b;
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.getByText('Root', { exact: true }).waitFor();
    const session = (await b.context.cookies()).find((c) => c.name === 'switchboard_console');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    await b.screenshot('11-signed-in-with-openid-provider');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Switchboard' }).waitFor();
  });

  it('signs someone who is not an administrator in to their own area only', async () => {
    await signInAtProvider('bob');
    const { page } = b;
    await page.getByRole('heading', { name: 'My servers' }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Console' });
    expect(await nav.getByRole('link').allTextContents()).toEqual(['My servers', 'My connections', 'My keys']);
    await b.screenshot('12-openid-non-admin-own-area');
    const session = (await b.context.cookies()).find((c) => c.name === 'switchboard_console');
    expect(session).toBeDefined();
    // the cookie is no admin credential: the admin API still refuses this person
    const users = await fetch(`${gw.url}/api/v1/users`, { headers: { cookie: `switchboard_console=${session!.value}` } });
    expect(users.status).toBe(403);
    const listed = await gw.api('GET', '/api/v1/users');
    expect(listed.body.items.find((u: { email: string }) => u.email === 'bob@corp.example')).toMatchObject({ isAdmin: false });
  });
});
