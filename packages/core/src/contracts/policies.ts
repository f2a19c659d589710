import { z } from 'zod';
import { timestampSchema, uuidSchema } from './common.ts';

/**
 * `upstream:name` with `*` wildcards on either side (`everything:*`, `*:read_*`), or `*`
 * alone for everything. Matching is exact otherwise (case-sensitive, like MCP names).
 * The first `:` ends the upstream, so a resource pattern may name a URI (`files:file:///pub/*`).
 */
export const policyPatternSchema = z
  .string()
  .max(300)
  .regex(
    /^(\*|[A-Za-z0-9_*-]+:\S+)$/,
    'must be "*" or "upstream:name" where either side may use "*" wildcards',
  );

export const policySubjectTypeSchema = z.enum(['user', 'role']);
export const policyEffectSchema = z.enum(['allow', 'deny']);
export const policyKindSchema = z.enum(['tool', 'resource', 'prompt']);

export const policyCreateSchema = z
  .object({
    subjectType: policySubjectTypeSchema,
    subjectId: uuidSchema,
    /** null or absent: applies on every virtual server. */
    virtualServerId: uuidSchema.nullish(),
    effect: policyEffectSchema.default('allow'),
    kind: policyKindSchema.default('tool'),
    pattern: policyPatternSchema,
  })
  .strict()
  .meta({ id: 'PolicyCreate' });
export type PolicyCreate = z.infer<typeof policyCreateSchema>;

export const policyUpdateSchema = z
  .object({
    virtualServerId: uuidSchema.nullable(),
    effect: policyEffectSchema,
    kind: policyKindSchema,
    pattern: policyPatternSchema,
  })
  .partial()
  .strict()
  .meta({ id: 'PolicyUpdate' });
export type PolicyUpdate = z.infer<typeof policyUpdateSchema>;

export const policySchema = z
  .object({
    id: uuidSchema,
    subjectType: policySubjectTypeSchema,
    subjectId: uuidSchema,
    virtualServerId: uuidSchema.nullable(),
    effect: policyEffectSchema,
    kind: policyKindSchema,
    pattern: z.string(),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .meta({ id: 'Policy' });
export type Policy = z.infer<typeof policySchema>;
