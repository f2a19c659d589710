import { z } from 'zod';
import { pageQuerySchema, timestampSchema } from './common.ts';

export const adminActorKindSchema = z.enum(['token', 'person', 'config-file']);
export type AdminActorKind = z.infer<typeof adminActorKindSchema>;

/** One administrative change: who, when, what object, and the object before and after (secrets masked). */
export const adminEventSchema = z
  .object({
    seq: z.number().int(),
    occurredAt: timestampSchema,
    actor: z.object({
      kind: adminActorKindSchema,
      /** The API token's or the person's id; null for the configuration file. */
      id: z.string().nullable(),
      /** The token's name, the person's e-mail, or the configuration file's path. */
      name: z.string(),
    }),
    /** `create`, `update`, `delete`, `import`, or the name of an action (`revoke`, `restart`, `refresh`, `rekey`, …). */
    action: z.string(),
    object: z.object({
      /** The resource as the API names it (`upstreams`, `virtual-servers`, `users`, `config`, …). */
      type: z.string(),
      id: z.string().nullable(),
      name: z.string().nullable(),
    }),
    /** The object as the API showed it before the change (null for a create); secrets appear as `{ hasValue: true }`. */
    before: z.unknown().nullable(),
    /** After the change (null for a delete). */
    after: z.unknown().nullable(),
    /** The `X-Request-Id` of the admin API request that made the change. */
    requestId: z.string().nullable(),
  })
  .meta({ id: 'AdminEvent' });
export type AdminEvent = z.infer<typeof adminEventSchema>;

/** Filters shared by the list and the export. */
export const adminEventFilterSchema = z.object({
  /** An actor's id, or exactly their name (token name, e-mail, file path). */
  actor: z.string().min(1).max(320).optional(),
  objectType: z.string().min(1).max(64).optional(),
  objectId: z.string().min(1).max(200).optional(),
  action: z.string().min(1).max(64).optional(),
  /** Inclusive lower and exclusive upper bound on `occurredAt`. */
  since: timestampSchema.optional(),
  until: timestampSchema.optional(),
});
export type AdminEventFilter = z.infer<typeof adminEventFilterSchema>;

/** Newest first; `cursor` continues below the last page. */
export const adminEventListQuerySchema = pageQuerySchema.extend(adminEventFilterSchema.shape);
export type AdminEventListQuery = z.infer<typeof adminEventListQuerySchema>;

export const adminEventExportQuerySchema = adminEventFilterSchema.extend({ format: z.enum(['jsonl', 'csv']).default('jsonl') });
export type AdminEventExportQuery = z.infer<typeof adminEventExportQuerySchema>;
