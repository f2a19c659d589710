import { Hono } from 'hono';
import { cors } from 'hono/cors';
import type { AppEnv } from '../http/env.ts';
import type { OAuthContext } from './context.ts';
import { resourceUrl, serverForResource } from './resources.ts';
import { SUPPORTED_SCOPES } from './scopes.ts';

/** RFC 8414 authorization server metadata (also served as OIDC discovery). */
export function authorizationServerMetadata(issuer: string) {
  return {
    issuer,
    authorization_endpoint: `${issuer}/oauth/authorize`,
    token_endpoint: `${issuer}/oauth/token`,
    registration_endpoint: `${issuer}/oauth/register`,
    revocation_endpoint: `${issuer}/oauth/revoke`,
    jwks_uri: `${issuer}/oauth/jwks.json`,
    scopes_supported: [...SUPPORTED_SCOPES],
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    token_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post'],
    revocation_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post'],
    code_challenge_methods_supported: ['S256'],
    authorization_response_iss_parameter_supported: true,
    client_id_metadata_document_supported: true,
    // OpenID Connect: an ID token comes with the tokens of a request that asked for openid.
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['ES256', 'RS256'],
    claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'azp', 'email', 'name'],
  };
}

/**
 * Discovery documents and the JWKS. They are public and read by browser-based clients
 * too, so CORS is open (they carry no credentials).
 */
export function metadataRoutes(oauth: OAuthContext) {
  const app = new Hono<AppEnv>();
  const metadata = authorizationServerMetadata(oauth.issuer);
  const external = oauth.config.externalIssuer;
  app.use('/.well-known/*', cors({ origin: '*', allowMethods: ['GET'] }));
  app.use('/oauth/jwks.json', cors({ origin: '*', allowMethods: ['GET'] }));

  app.get('/.well-known/oauth-authorization-server', (c) => c.json(metadata));
  app.get('/.well-known/openid-configuration', (c) => c.json(metadata));
  app.get('/oauth/jwks.json', (c) => {
    c.header('Cache-Control', 'public, max-age=300');
    return c.json(oauth.keys.jwks());
  });

  // RFC 9728 §3: the metadata URL is the resource URL with the well-known segment inserted after the host.
  app.get('/.well-known/oauth-protected-resource/servers/:id/mcp', async (c) => {
    const resource = resourceUrl(oauth.issuer, c.req.param('id').toLowerCase());
    const server = await serverForResource(oauth.ctx, resource);
    if (!server) return c.json({ error: 'not_found', error_description: 'no OAuth-protected virtual server here' }, 404);
    return c.json({
      resource: server.resource,
      authorization_servers: [external?.issuer ?? oauth.issuer],
      scopes_supported: ['mcp'],
      bearer_methods_supported: ['header'],
      resource_name: server.name,
    });
  });
  return app;
}
