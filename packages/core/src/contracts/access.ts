import { z } from 'zod';
import { uuidSchema } from './common.ts';
import { policyEffectSchema, policyKindSchema, policySubjectTypeSchema } from './policies.ts';
import { appliedLimitSchema } from './rate-limits.ts';

export const accessQuerySchema = z.object({
  /** The user's id or email. */
  user: z.string().min(1).max(320),
});

export const accessReasonSchema = z.enum(['rule', 'default', 'no-user', 'user-disabled', 'unknown-user', 'unknown-server']);

/** One item a virtual server exposes, and whether the user may see and use it — with the rule that decided. */
export const accessItemSchema = z.object({
  kind: policyKindSchema,
  /** The name (or URI / URI template) clients see. */
  exposedName: z.string(),
  upstream: z.string(),
  /** The upstream's own name, which policy patterns match (`upstream:name`). */
  name: z.string(),
  allowed: z.boolean(),
  /** `rule` when a policy decided, `default` when the server's default did, `user-disabled` when the user is disabled. */
  reason: accessReasonSchema,
  rule: z
    .object({
      id: uuidSchema,
      subjectType: policySubjectTypeSchema,
      subjectId: uuidSchema,
      /** The user's email or the role's name. */
      subjectName: z.string().nullable(),
      virtualServerId: uuidSchema.nullable(),
      effect: policyEffectSchema,
      pattern: z.string(),
    })
    .nullable(),
});
export type AccessItem = z.infer<typeof accessItemSchema>;

/**
 * How the items of one upstream of the server are known: `live` (connected and listed now),
 * `stored` (not reachable now; what it listed when last connected), `connecting` (never
 * listed, still starting: ask again shortly), `unknown` (never listed and it could not be
 * listed now). The items of `connecting` and `unknown` upstreams are missing from the answer.
 */
export const accessUpstreamSchema = z.object({
  name: z.string(),
  state: z.enum(['live', 'stored', 'connecting', 'unknown', 'disabled']),
  /** Why it is not live: the connection error, when there is one. */
  detail: z.string().nullable(),
});
export type AccessUpstream = z.infer<typeof accessUpstreamSchema>;

export const accessExplanationSchema = z
  .object({
    virtualServerId: uuidSchema,
    defaultAccess: z.enum(['deny', 'allow']),
    user: z.object({ id: uuidSchema, email: z.string(), disabled: z.boolean(), roles: z.array(z.string()) }),
    items: z.array(accessItemSchema),
    /** Each upstream of the server and how its items are known (connected first, before answering). */
    upstreams: z.array(accessUpstreamSchema),
    /** The rate-limit rules that apply to the user on this server, and what is left of each budget. */
    limits: z.array(appliedLimitSchema),
  })
  .meta({ id: 'AccessExplanation' });
export type AccessExplanation = z.infer<typeof accessExplanationSchema>;
