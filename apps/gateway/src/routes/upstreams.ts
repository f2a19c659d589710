import { upstreamCreateSchema, upstreamSchema, upstreamUpdateSchema } from '@switchboard/core/contracts/upstreams';
import { crudRoutes, searchQuery } from '../http/crud.ts';
import type { ServiceContext } from '../services/context.ts';
import {
  createUpstream,
  deleteUpstream,
  getUpstream,
  listUpstreams,
  updateUpstream,
} from '../services/upstreams.ts';

export const upstreamRoutes = (ctx: ServiceContext) =>
  crudRoutes({
    ctx,
    tag: 'upstreams',
    noun: 'upstream',
    schemas: { item: upstreamSchema, create: upstreamCreateSchema, update: upstreamUpdateSchema },
    extraListQuery: searchQuery,
    service: { list: listUpstreams, get: getUpstream, create: createUpstream, update: updateUpstream, remove: deleteUpstream },
  });
