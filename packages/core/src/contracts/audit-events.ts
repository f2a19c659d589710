import { z } from 'zod';
import { pageQuerySchema, timestampSchema, uuidSchema } from './common.ts';

export const auditOutcomeSchema = z.enum(['ok', 'tool_error', 'denied', 'upstream_failure', 'timeout']);
export type AuditOutcome = z.infer<typeof auditOutcomeSchema>;
export const auditKindSchema = z.enum(['tool', 'resource', 'prompt']);

/** One tools/call, resources/read or prompts/get through a virtual server. */
export const auditEventSchema = z
  .object({
    seq: z.number().int(),
    occurredAt: timestampSchema,
    userId: uuidSchema.nullable(),
    userEmail: z.string().nullable(),
    clientId: z.string().nullable(),
    /** Who really made the call when it was made as someone else (an admin trying tools "as user X" in the console). */
    actor: z.string().nullable(),
    virtualServerId: uuidSchema,
    kind: auditKindSchema,
    /** The name (or URI) the client used. */
    exposedName: z.string(),
    /** Where it routes; null when the name is unknown on the server. */
    upstreamName: z.string().nullable(),
    upstreamItem: z.string().nullable(),
    outcome: auditOutcomeSchema,
    durationMs: z.number().int(),
    /** `policy` / `not_found` for denied calls; `timeout`, `unavailable`, `cancelled`, `rpc_<code>` for failures. */
    errorCode: z.string().nullable(),
    /** Whose credential reached the upstream: `shared`, `per-user`, `oauth`, `token-exchange`, `identity-assertion` (never the credential). */
    credentialMode: z.string().nullable(),
    /** Only on servers with `auditPayloads`: redacted and size-capped. */
    arguments: z.unknown().nullable(),
    result: z.unknown().nullable(),
  })
  .meta({ id: 'AuditEvent' });
export type AuditEvent = z.infer<typeof auditEventSchema>;

/** Filters shared by the list and the export. */
export const auditFilterSchema = z.object({
  /** A user id or email. */
  user: z.string().min(1).max(320).optional(),
  virtualServer: uuidSchema.optional(),
  /** The exposed tool, prompt or resource name, exactly. */
  tool: z.string().min(1).max(1024).optional(),
  kind: auditKindSchema.optional(),
  outcome: auditOutcomeSchema.optional(),
  /** Inclusive lower and exclusive upper bound on `occurredAt`. */
  from: timestampSchema.optional(),
  to: timestampSchema.optional(),
});
export type AuditFilter = z.infer<typeof auditFilterSchema>;

/** Newest first; `cursor` continues below the last page. */
export const auditListQuerySchema = pageQuerySchema.extend(auditFilterSchema.shape);
export type AuditListQuery = z.infer<typeof auditListQuerySchema>;

export const auditExportQuerySchema = auditFilterSchema.extend({ format: z.enum(['jsonl', 'csv']).default('jsonl') });
export type AuditExportQuery = z.infer<typeof auditExportQuerySchema>;

export const auditStatsQuerySchema = z.object({ minutes: z.coerce.number().int().min(1).max(1440).default(60) });

const counts = { calls: z.number().int(), errors: z.number().int(), denied: z.number().int() };

/**
 * The dashboard's view of the last `minutes`: per-minute counts (every minute present,
 * zeros included), totals and the latest denied calls. `errors` are failed calls (tool
 * errors, upstream failures, timeouts); denied calls are counted apart.
 */
export const auditStatsSchema = z
  .object({
    from: timestampSchema,
    to: timestampSchema,
    buckets: z.array(z.object({ minute: timestampSchema, ...counts })),
    totals: z.object({ ...counts, errorRate: z.number() }),
    recentDenied: z.array(auditEventSchema),
  })
  .meta({ id: 'AuditStats' });
export type AuditStats = z.infer<typeof auditStatsSchema>;
