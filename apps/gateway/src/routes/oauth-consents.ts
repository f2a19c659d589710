import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { errorBodySchema, pageOf, pageQuerySchema } from '@switchboard/core/contracts/common';
import { oauthConsentSchema } from '@switchboard/core/contracts/oauth-clients';
import { errorResponses, idParams, jsonResponse } from '../http/crud.ts';
import type { AppEnv } from '../http/env.ts';
import { validationHook } from '../http/validation.ts';
import type { ServiceContext } from '../services/context.ts';
import { listOAuthConsents, revokeOAuthConsent } from '../services/oauth-consents.ts';

const consentListQuery = pageQuerySchema.extend({
  user: z.uuid().optional().meta({ description: "Only this user's consents (user id)" }),
  client: z.uuid().optional().meta({ description: 'Only consents for this OAuth client (its id in this API, not its client_id)' }),
});

/** Remembered consents (user × client × virtual server): listed, and withdrawn with DELETE. */
export function oauthConsentRoutes(ctx: ServiceContext) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags: ['oauth-consents'],
      summary: 'List consents in force',
      request: { query: consentListQuery },
      responses: { 200: jsonResponse(pageOf(oauthConsentSchema), 'A page of consents'), ...errorResponses },
    }),
    async (c) => c.json(await listOAuthConsents(ctx, c.req.valid('query')), 200),
  );
  app.openapi(
    createRoute({
      method: 'delete',
      path: '/{id}',
      tags: ['oauth-consents'],
      summary: 'Withdraw a consent and revoke the refresh tokens it allowed',
      request: { params: idParams },
      responses: { 204: { description: 'Withdrawn' }, ...errorResponses, 404: jsonResponse(errorBodySchema, 'No such consent in force') },
    }),
    async (c) => {
      const id = c.req.valid('param').id;
      await ctx.db.transaction((db) => revokeOAuthConsent({ ...ctx, db }, id));
      return c.body(null, 204);
    },
  );
  return app;
}
