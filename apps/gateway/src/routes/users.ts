import { userCreateSchema, userSchema, userUpdateSchema } from '@switchboard/core/contracts/identity';
import { crudRoutes, searchQuery } from '../http/crud.ts';
import type { ServiceContext } from '../services/context.ts';
import { createUser, deleteUser, getUser, listUsers, updateUser } from '../services/users.ts';

export const userRoutes = (ctx: ServiceContext) =>
  crudRoutes({
    ctx,
    tag: 'users',
    noun: 'user',
    schemas: { item: userSchema, create: userCreateSchema, update: userUpdateSchema },
    extraListQuery: searchQuery,
    service: { list: listUsers, get: getUser, create: createUser, update: updateUser, remove: deleteUser },
  });
