import {
  identityProviderCreateSchema,
  identityProviderSchema,
  identityProviderUpdateSchema,
} from '@switchboard/core/contracts/identity-providers';
import { crudRoutes } from '../http/crud.ts';
import type { ServiceContext } from '../services/context.ts';
import {
  createIdentityProvider,
  deleteIdentityProvider,
  getIdentityProvider,
  listIdentityProviders,
  updateIdentityProvider,
} from '../services/identity-providers.ts';

/** Upstream OpenID Connect providers people log in with; the client secret is write-only. */
export const identityProviderRoutes = (ctx: ServiceContext) =>
  crudRoutes({
    ctx,
    tag: 'identity-providers',
    noun: 'identity provider',
    schemas: { item: identityProviderSchema, create: identityProviderCreateSchema, update: identityProviderUpdateSchema },
    service: {
      list: listIdentityProviders,
      get: getIdentityProvider,
      create: createIdentityProvider,
      update: updateIdentityProvider,
      remove: deleteIdentityProvider,
    },
  });
