import { rateLimitCreateSchema, rateLimitSchema, rateLimitUpdateSchema } from '@switchboard/core/contracts/rate-limits';
import { crudRoutes, searchQuery } from '../http/crud.ts';
import type { ServiceContext } from '../services/context.ts';
import { createRateLimit, deleteRateLimit, getRateLimit, listRateLimits, updateRateLimit } from '../services/rate-limits.ts';

/** `/api/v1/rate-limits`: the rules of the limits stage (see limits/limiter.ts). */
export const rateLimitRoutes = (ctx: ServiceContext) =>
  crudRoutes({
    ctx,
    tag: 'rate-limits',
    noun: 'rate limit',
    schemas: { item: rateLimitSchema, create: rateLimitCreateSchema, update: rateLimitUpdateSchema },
    extraListQuery: searchQuery,
    service: { list: listRateLimits, get: getRateLimit, create: createRateLimit, update: updateRateLimit, remove: deleteRateLimit },
  });
