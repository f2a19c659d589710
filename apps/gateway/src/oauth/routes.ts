import { Hono } from 'hono';
import type { AppEnv } from '../http/env.ts';
import { authorizeRoutes } from './authorize-routes.ts';
import type { OAuthContext } from './context.ts';
import { endpointRoutes } from './endpoint-routes.ts';
import { loginRoutes } from './login-routes.ts';
import { metadataRoutes } from './metadata-routes.ts';
import { oidcLoginRoutes } from './oidc-login-routes.ts';

/** The authorization server: discovery, registration, authorize + login + consent, token, revoke, JWKS, upstream IdP login. */
export function oauthRoutes(oauth: OAuthContext) {
  const app = new Hono<AppEnv>();
  app.route('/', metadataRoutes(oauth));
  app.route('/', endpointRoutes(oauth));
  app.route('/', loginRoutes(oauth));
  app.route('/', authorizeRoutes(oauth));
  app.route('/', oidcLoginRoutes(oauth));
  return app;
}
