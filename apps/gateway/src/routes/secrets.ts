import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { errorResponses, jsonResponse } from '../http/crud.ts';
import type { AppEnv } from '../http/env.ts';
import { validationHook } from '../http/validation.ts';
import type { ServiceContext } from '../services/context.ts';
import { reencryptSecrets } from '../services/secret-keys.ts';

/** Key rotation: after adding a new active key, re-encrypt everything under it. */
export function secretRoutes(ctx: ServiceContext) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.openapi(
    createRoute({
      method: 'post',
      path: '/rekey',
      tags: ['secrets'],
      summary: 'Re-encrypt every stored secret under the active key',
      responses: {
        200: jsonResponse(
          z.object({ activeKeyId: z.string(), reencrypted: z.number().int() }).meta({ id: 'RekeyResult' }),
          'How many values were re-encrypted',
        ),
        ...errorResponses,
      },
    }),
    async (c) => c.json({ activeKeyId: ctx.secrets.activeId, reencrypted: await reencryptSecrets(ctx.db, ctx.secrets) }, 200),
  );
  return app;
}
