/**
 * A real OpenID provider (`oidc-provider` from npm) on a loopback port, as the upstream
 * identity provider the gateway logs people in with. One static confidential client for
 * the gateway ("DCR proxy"), one public client that gets JWT access tokens for a resource
 * (for external-issuer mode). Accounts exist for any login name; `groups` come from `groupsOf`.
 */
import Provider from 'oidc-provider';
import { freePort } from './gateway.ts';

export interface RunningProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The public client for external-issuer tests (redirect CALLBACK, PKCE). */
  publicClientId: string;
  stop(): Promise<void>;
}

export async function startOidcProvider(options: { redirectUris: string[]; publicRedirectUri: string; groupsOf: (login: string) => string[] }): Promise<RunningProvider> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const clientSecret = 'gateway-client-secret-0123456789abcdef';
  const claimsOf = (id: string) => ({ sub: id, email: `${id}@corp.example`, email_verified: true, name: `User ${id}`, groups: options.groupsOf(id) });
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'switchboard',
        client_secret: clientSecret,
        redirect_uris: options.redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
      {
        client_id: 'mcp-cli',
        redirect_uris: [options.publicRedirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
      },
    ],
    findAccount: async (_ctx: unknown, id: string) => ({ accountId: id, claims: async () => claimsOf(id) }),
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
    scopes: ['openid', 'email', 'profile', 'groups', 'mcp'],
    pkce: { required: () => true },
    cookies: { keys: ['e2e-oidc-provider-cookie-key'] },
    features: {
      devInteractions: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => undefined,
        useGrantedResource: () => true,
        getResourceServerInfo: async (_ctx: unknown, resource: string) => ({
          scope: 'mcp',
          audience: resource,
          accessTokenTTL: 300,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
    extraTokenClaims: async (_ctx: unknown, token: { accountId?: string }) => (token.accountId ? { email: `${token.accountId}@corp.example` } : undefined),
  });
  // The development interaction pages warn on every use; keep test output quiet.
  provider.on('server_error', () => {});
  const server = provider.listen(port, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return {
    issuer,
    clientId: 'switchboard',
    clientSecret,
    publicClientId: 'mcp-cli',
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * Configures the provider in a gateway as "Corp SSO" (`/oauth/callback/corp`), optionally
 * mapping `groups` claim values to roles of the same name; throws unless it was created.
 */
export async function addCorpProvider(
  gw: { api(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> },
  idp: RunningProvider,
  groupRoles: string[] = [],
): Promise<void> {
  const created = await gw.api('POST', '/api/v1/identity-providers', {
    slug: 'corp',
    displayName: 'Corp SSO',
    issuer: idp.issuer,
    clientId: idp.clientId,
    clientSecret: idp.clientSecret,
    scopes: ['openid', 'email', 'profile', 'groups'],
    roleMappings: groupRoles.map((role) => ({ claim: 'groups', value: role, role })),
  });
  if (created.status !== 201) throw new Error(`could not add the identity provider: ${created.status} ${JSON.stringify(created.body)}`);
}
