import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { accessExplanationSchema, accessQuerySchema } from '@switchboard/core/contracts/access';
import { errorBodySchema } from '@switchboard/core/contracts/common';
import { errorResponses, idParams, jsonResponse } from '../http/crud.ts';
import type { AppEnv } from '../http/env.ts';
import { validationHook } from '../http/validation.ts';
import { explainAccess } from '../services/access-explain.ts';
import type { ServiceContext } from '../services/context.ts';

/** `GET /virtual-servers/{id}/access?user=…`: what a user may use on a server, and which rule decided each item. */
export function virtualServerAccessRoutes(ctx: ServiceContext) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}/access',
      tags: ['virtual-servers'],
      summary: "Explain a user's access: each exposed tool, prompt and resource, allowed or denied, and the deciding rule",
      request: { params: idParams, query: accessQuerySchema },
      responses: {
        200: jsonResponse(accessExplanationSchema, 'The decision for every item the server exposes'),
        ...errorResponses,
        404: jsonResponse(errorBodySchema, 'No such virtual server or user'),
      },
    }),
    async (c) => c.json(await explainAccess(ctx, c.req.valid('param').id, c.req.valid('query').user), 200),
  );
  return app;
}
