import { roleCreateSchema, roleSchema, roleUpdateSchema } from '@switchboard/core/contracts/identity';
import { crudRoutes, searchQuery } from '../http/crud.ts';
import type { ServiceContext } from '../services/context.ts';
import { createRole, deleteRole, getRole, listRoles, updateRole } from '../services/roles.ts';

export const roleRoutes = (ctx: ServiceContext) =>
  crudRoutes({
    ctx,
    tag: 'roles',
    noun: 'role',
    schemas: { item: roleSchema, create: roleCreateSchema, update: roleUpdateSchema },
    extraListQuery: searchQuery,
    service: { list: listRoles, get: getRole, create: createRole, update: updateRole, remove: deleteRole },
  });
