import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { EnvSubstitutionError, substituteEnv } from '@switchboard/core/config/substitute-env';
import { configDocumentSchema, mcpServerKeyWarnings } from '@switchboard/core/contracts/config-document';
import { importSummarySchema } from '@switchboard/core/contracts/import-summary';
import { badRequest } from '../errors.ts';
import { errorResponses, jsonResponse } from '../http/crud.ts';
import type { AppEnv } from '../http/env.ts';
import { describeZodError, validationHook } from '../http/validation.ts';
import { exportConfig } from '../services/config-export.ts';
import { adminActor } from '../http/admin-trail.ts';
import { importConfig } from '../services/config-import.ts';
import { setAsideUnsetSecrets } from '../services/config-import-kept-secrets.ts';
import { importWithTrail } from '../services/config-import-trail.ts';
import { commandWarnings } from '../services/config-import-warnings.ts';
import type { ServiceContext } from '../services/context.ts';

/**
 * On the wire the document is described loosely: imports are validated only after `${VAR}`
 * substitution, and exports leave defaulted keys out. ConfigDocument is the exact shape.
 */
const looseDocument = z
  .record(z.string(), z.unknown())
  .meta({ id: 'ConfigDocumentJson', description: 'A configuration document; see the ConfigDocument schema' });

/**
 * Parses a document: `${VAR}` substitution first, then validation, errors naming the path.
 * What is accepted but deserves a look comes back as warnings: `mcpServers` keys that are
 * ignored, and stdio commands that this host cannot start (looked up on `env.PATH`).
 */
export async function parseConfigDocument(
  raw: unknown,
  env: Record<string, string | undefined>,
  /** `keepStoredSecrets`: secrets whose variable is unset are set aside, not an error (the API import). */
  options: { keepStoredSecrets?: boolean } = {},
) {
  const { raw: rest, unset } = options.keepStoredSecrets ? setAsideUnsetSecrets(raw, env) : { raw, unset: [] };
  let substituted: unknown;
  try {
    substituted = substituteEnv(rest, env);
  } catch (error) {
    if (error instanceof EnvSubstitutionError) throw badRequest(error.message, 'invalid_config');
    throw error;
  }
  const parsed = configDocumentSchema.safeParse(substituted);
  if (!parsed.success) throw badRequest(describeZodError(parsed.error), 'invalid_config');
  const warnings = [...mcpServerKeyWarnings(substituted), ...(await commandWarnings(parsed.data, env.PATH))];
  return { doc: parsed.data, warnings, unsetSecrets: unset };
}

export function configDocumentRoutes(ctx: ServiceContext, substitutionEnv: Record<string, string | undefined>) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.openAPIRegistry.register('ConfigDocument', configDocumentSchema);
  app.openapi(
    createRoute({
      method: 'post',
      path: '/import',
      tags: ['config'],
      summary: 'Apply a configuration document (all or nothing)',
      description:
        'Claude-style `mcpServers` plus `virtualServers`, `users`, `roles`, `policies`. Objects are matched by name. `mode=replace` also deletes upstreams and virtual servers the document does not name. `dryRun=true` answers the same summary without applying anything. A secret of an `mcpServers` entry (env value, header, bearerToken) whose `${VAR}` is not set keeps the value the gateway stores (listed in `keptSecrets`), so an export re-imports as it is.',
      request: {
        query: z.object({
          mode: z.enum(['merge', 'replace']).default('merge'),
          dryRun: z
            .enum(['true', 'false'])
            .default('false')
            .describe('true: answer what would change (same checks, same summary) without applying anything'),
        }),
        // Only "is it a JSON object" here: the real validation runs after `${VAR}` substitution.
        body: { ...jsonResponse(looseDocument, 'The configuration document, before ${VAR} substitution'), required: true },
      },
      responses: { 200: jsonResponse(importSummarySchema, 'What changed'), ...errorResponses },
    }),
    async (c) => {
      const { doc, warnings, unsetSecrets } = await parseConfigDocument(c.req.valid('json'), substitutionEnv, { keepStoredSecrets: true });
      const { mode, dryRun } = c.req.valid('query');
      if (dryRun === 'true') return c.json(await importConfig(ctx, doc, mode, { dryRun: true, warnings, unsetSecrets }), 200);
      const who = { actor: adminActor(c), requestId: c.get('requestId'), objectName: `import (${mode})` };
      const summary = await importWithTrail(ctx, who, () => importConfig(ctx, doc, mode, { warnings, unsetSecrets }));
      c.set('adminEventRecorded', true);
      return c.json(summary, 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/export',
      tags: ['config'],
      summary: 'The stored configuration as a document; secrets appear as ${VAR} placeholders',
      responses: { 200: jsonResponse(looseDocument, 'The configuration document (optional keys omitted)'), ...errorResponses },
    }),
    async (c) => c.json(await exportConfig(ctx), 200),
  );
  return app;
}
