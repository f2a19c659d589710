import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { errorBodySchema } from '@switchboard/core/contracts/common';
import { dependentsSchema } from '@switchboard/core/contracts/dependents';
import { errorResponses, idParams, jsonResponse } from '../http/crud.ts';
import type { AppEnv } from '../http/env.ts';
import { validationHook } from '../http/validation.ts';
import type { ServiceContext } from '../services/context.ts';
import { upstreamDependents, userDependents, virtualServerDependents } from '../services/dependents.ts';

const kinds = [
  { base: 'upstreams', tag: 'upstreams', noun: 'upstream', read: upstreamDependents },
  { base: 'virtual-servers', tag: 'virtual-servers', noun: 'virtual server', read: virtualServerDependents },
  { base: 'users', tag: 'users', noun: 'user', read: userDependents },
] as const;

/** `/{kind}/{id}/dependents`: what deleting the object would break (for confirmations). */
export function dependentRoutes(ctx: ServiceContext) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  for (const { base, tag, noun, read } of kinds) {
    app.openapi(
      createRoute({
        method: 'get',
        path: `/${base}/{id}/dependents`,
        tags: [tag],
        summary: `What deleting the ${noun} would break`,
        request: { params: idParams },
        responses: {
          200: jsonResponse(dependentsSchema, 'Dependents'),
          ...errorResponses,
          404: jsonResponse(errorBodySchema, `No such ${noun}`),
        },
      }),
      async (c) => c.json(await read(ctx, c.req.valid('param').id), 200),
    );
  }
  return app;
}
