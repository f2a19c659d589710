import { z } from 'zod';
import { slugSchema, timestampSchema, uuidSchema } from './common.ts';
import { policyPatternSchema } from './policies.ts';

/** A token bucket: `count` calls per `per`, and at most `burst` at once (default `count`). */
export const rateSchema = z
  .object({
    count: z.number().int().min(1).max(1_000_000),
    per: z.enum(['second', 'minute']),
    burst: z.number().int().min(1).max(1_000_000).optional(),
  })
  .strict()
  .meta({ id: 'LimitRate' });
export type LimitRate = z.infer<typeof rateSchema>;

/** A quota: `count` calls per fixed hour or day (windows aligned to UTC). */
export const quotaSchema = z
  .object({ count: z.number().int().min(1).max(100_000_000), per: z.enum(['hour', 'day']) })
  .strict()
  .meta({ id: 'LimitQuota' });
export type LimitQuota = z.infer<typeof quotaSchema>;

/** Who a rule applies to: one user, the members of a role, or (null) everybody. */
export const limitSubjectSchema = z.object({ type: z.enum(['user', 'role']), id: uuidSchema }).strict();

const limitFields = {
  name: slugSchema,
  subject: limitSubjectSchema.nullable(),
  /** null: on every virtual server. */
  virtualServerId: uuidSchema.nullable(),
  /** `upstream:tool` with `*` wildcards, as in policies; `*` for every call. */
  pattern: policyPatternSchema,
  rate: rateSchema.nullable(),
  quota: quotaSchema.nullable(),
  /** Calls in flight at once. */
  concurrency: z.number().int().min(1).max(100_000).nullable(),
  /** One budget for everybody the rule matches (e.g. protecting a slow upstream), instead of one per person. */
  shared: z.boolean(),
};

const hasALimit = (rule: { rate?: unknown; quota?: unknown; concurrency?: unknown }) =>
  Boolean(rule.rate || rule.quota || rule.concurrency);
const NEEDS_A_LIMIT = { message: 'a rule needs at least one of rate, quota or concurrency', path: ['rate'] };

export const rateLimitCreateSchema = z
  .object({
    ...limitFields,
    subject: limitFields.subject.default(null),
    virtualServerId: limitFields.virtualServerId.default(null),
    pattern: limitFields.pattern.default('*'),
    rate: limitFields.rate.default(null),
    quota: limitFields.quota.default(null),
    concurrency: limitFields.concurrency.default(null),
    shared: limitFields.shared.default(false),
  })
  .strict()
  .refine(hasALimit, NEEDS_A_LIMIT)
  .meta({ id: 'RateLimitCreate' });
export type RateLimitCreate = z.infer<typeof rateLimitCreateSchema>;

export const rateLimitUpdateSchema = z.object(limitFields).partial().strict().meta({ id: 'RateLimitUpdate' });
export type RateLimitUpdate = z.infer<typeof rateLimitUpdateSchema>;

export const rateLimitSchema = z
  .object({ id: uuidSchema, ...limitFields, pattern: z.string(), createdAt: timestampSchema, updatedAt: timestampSchema })
  .meta({ id: 'RateLimit' });
export type RateLimit = z.infer<typeof rateLimitSchema>;

/** What applies to a rule's matching needs at call time (what the gateway keeps in memory). */
export type LimitRule = Omit<RateLimit, 'createdAt'>;

/** A rule that applies to a person (explain API): what is left of its budgets for them, as this replica sees it. */
export const appliedLimitSchema = z
  .object({
    id: uuidSchema,
    name: z.string(),
    pattern: z.string(),
    shared: z.boolean(),
    rate: rateSchema.nullable(),
    quota: quotaSchema.nullable(),
    concurrency: z.number().nullable(),
    remaining: z.object({
      rate: z.number().nullable().describe('Calls the bucket would admit now'),
      quota: z.number().nullable().describe('Calls left in the current window'),
      concurrency: z.number().nullable().describe('Free in-flight slots on this replica'),
    }),
  })
  .meta({ id: 'AppliedLimit' });
export type AppliedLimit = z.infer<typeof appliedLimitSchema>;
