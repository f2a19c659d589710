import {
  virtualServerCreateSchema,
  virtualServerSchema,
  virtualServerUpdateSchema,
} from '@switchboard/core/contracts/virtual-servers';
import { crudRoutes, searchQuery } from '../http/crud.ts';
import type { ServiceContext } from '../services/context.ts';
import {
  createVirtualServer,
  deleteVirtualServer,
  getVirtualServer,
  listVirtualServers,
  updateVirtualServer,
} from '../services/virtual-servers.ts';

export const virtualServerRoutes = (ctx: ServiceContext) =>
  crudRoutes({
    ctx,
    tag: 'virtual-servers',
    noun: 'virtual server',
    schemas: { item: virtualServerSchema, create: virtualServerCreateSchema, update: virtualServerUpdateSchema },
    extraListQuery: searchQuery,
    service: {
      list: listVirtualServers,
      get: getVirtualServer,
      create: createVirtualServer,
      update: updateVirtualServer,
      remove: deleteVirtualServer,
    },
  });
