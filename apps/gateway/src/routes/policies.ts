import { z } from '@hono/zod-openapi';
import {
  policyCreateSchema,
  policySchema,
  policySubjectTypeSchema,
  policyUpdateSchema,
} from '@switchboard/core/contracts/policies';
import { crudRoutes, searchQuery } from '../http/crud.ts';
import type { ServiceContext } from '../services/context.ts';
import { createPolicy, deletePolicy, getPolicy, listPolicies, updatePolicy } from '../services/policies.ts';

export const policyRoutes = (ctx: ServiceContext) =>
  crudRoutes({
    ctx,
    tag: 'policies',
    noun: 'policy',
    schemas: { item: policySchema, create: policyCreateSchema, update: policyUpdateSchema },
    extraListQuery: searchQuery.extend({
      subjectType: policySubjectTypeSchema.optional(),
      subjectId: z.uuid().optional(),
      virtualServerId: z.uuid().optional(),
    }),
    service: { list: listPolicies, get: getPolicy, create: createPolicy, update: updatePolicy, remove: deletePolicy },
  });
