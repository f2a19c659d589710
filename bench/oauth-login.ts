/**
 * The `full` gateway profile's credentials: a real OAuth access token, obtained the way a
 * client does — dynamic registration, authorization with PKCE, the user signing in and
 * consenting on the gateway's own pages (played over HTTP), code exchange.
 */
import { authorizeUrl, loginAndConsent, pkcePair, tokenRequest } from '../apps/gateway/src/testing/oauth-helpers.ts';
import { TestBrowser } from '../apps/gateway/src/testing/test-browser.ts';

export const BENCH_USER = { email: 'bench@example.com', password: 'bench-password-0123' };
const REDIRECT = 'http://127.0.0.1:9/callback';

export async function benchAccessToken(base: string, resource: string): Promise<string> {
  const registered = await fetch(`${base}/oauth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_name: 'bench', redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none' }),
  });
  const { client_id: clientId } = (await registered.json()) as { client_id: string };
  const { verifier, challenge } = pkcePair();
  const callback = await loginAndConsent(new TestBrowser(), authorizeUrl({ issuer: base, clientId, redirectUri: REDIRECT, resource, challenge }), BENCH_USER);
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`bench login failed: ${callback}`);
  const response = await fetch(`${base}/oauth/token`, tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier, client_id: clientId }));
  const body = (await response.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`bench token request failed: ${JSON.stringify(body)}`);
  return body.access_token;
}
