import { index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, updatedAt } from './columns.ts';
import { virtualServers } from './virtual-servers.ts';

export const policySubjects = ['user', 'role'] as const;
export const policyEffects = ['allow', 'deny'] as const;
export const policyKinds = ['tool', 'resource', 'prompt'] as const;

/**
 * One allow/deny rule: subject (a user or a role) × virtual server (null = all) × a
 * pattern over `upstream:name` with `*` wildcards. Subject rows are not foreign keys
 * because the subject is polymorphic; services delete a subject's policies with it.
 */
export const policies = pgTable(
  'policies',
  {
    id: id(),
    subjectType: text('subject_type', { enum: policySubjects }).notNull(),
    subjectId: uuid('subject_id').notNull(),
    virtualServerId: uuid('virtual_server_id').references(() => virtualServers.id, { onDelete: 'cascade' }),
    effect: text('effect', { enum: policyEffects }).notNull().default('allow'),
    kind: text('kind', { enum: policyKinds }).notNull().default('tool'),
    pattern: text('pattern').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('policies_subject_idx').on(t.subjectType, t.subjectId)],
);
