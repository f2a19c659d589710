import { z } from 'zod';

const countsSchema = z.object({ created: z.number(), updated: z.number(), deleted: z.number() });
export type ImportCounts = z.infer<typeof countsSchema>;

/** One named object an import creates, updates or deletes (what a dry run previews). */
export const importChangeSchema = z.object({
  kind: z.enum(['upstream', 'virtualServer', 'user', 'role', 'limit']),
  name: z.string(),
  action: z.enum(['created', 'updated', 'deleted']),
});
export type ImportChange = z.infer<typeof importChangeSchema>;

/** A secret whose `${VAR}` was not set on import: the value the gateway already stored was kept. */
export const keptSecretSchema = z.object({
  upstream: z.string(),
  secret: z.string().describe('`env.NAME`, `headers.NAME` or `bearerToken`'),
  variable: z.string().describe('The variable that was not set'),
});
export type KeptSecret = z.infer<typeof keptSecretSchema>;

/** What `POST /api/v1/import` answers: counts by kind, and each named object it touched. */
export const importSummarySchema = z
  .object({
    upstreams: countsSchema,
    virtualServers: countsSchema,
    users: countsSchema,
    roles: countsSchema,
    policies: countsSchema,
    limits: countsSchema.describe('Rate-limit rules'),
    dryRun: z.boolean().describe('true when nothing was applied (`dryRun=true`)'),
    changes: z.array(importChangeSchema).describe('Each named object created, updated or deleted'),
    /** Applied anyway, but worth a look: ignored `mcpServers` keys, commands not found on this host. */
    warnings: z.array(z.string()),
    keptSecrets: z
      .array(keptSecretSchema)
      .describe('Secrets whose ${VAR} was not set: the stored value was kept (re-importing an export)'),
  })
  .meta({ id: 'ImportSummary' });
export type ImportSummary = z.infer<typeof importSummarySchema>;
