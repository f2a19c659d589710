import type { PageQuery } from '@switchboard/core/contracts/common';
import type {
  IdentityProvider,
  IdentityProviderCreate,
  IdentityProviderUpdate,
  RoleMapping,
} from '@switchboard/core/contracts/identity-providers';
import { identityProviders, idpRoleMappings, roles } from '@switchboard/db/schema';
import { asc, eq, inArray } from 'drizzle-orm';
import { badRequest, notFound, uniqueOr409 } from '../errors.ts';
import { LOOPBACK_ISSUER } from '../oauth/identity-provider-client.ts';
import type { ServiceContext, TxContext } from './context.ts';
import { fetchPage, toPage } from './pagination.ts';
import { stripUndefined } from './patch.ts';

type ProviderRow = typeof identityProviders.$inferSelect;

const toDto = (ctx: Pick<ServiceContext, 'publicUrl'>, row: ProviderRow, roleMappings: RoleMapping[]): IdentityProvider => ({
  id: row.id,
  slug: row.slug,
  displayName: row.displayName,
  issuer: row.issuer,
  clientId: row.clientId,
  clientSecret: { hasValue: row.clientSecret !== null },
  scopes: row.scopes,
  emailClaim: row.emailClaim,
  nameClaim: row.nameClaim,
  groupsClaim: row.groupsClaim,
  enabled: row.enabled,
  roleMappings,
  callbackUrl: `${ctx.publicUrl}/oauth/callback/${row.slug}`,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

/**
 * The same rule login applies (identity-provider-client.ts), checked when saving so a
 * provider that could never be used is refused with a clear message instead.
 */
function assertIssuer(issuer: string) {
  const url = new URL(issuer);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_ISSUER.test(issuer))) {
    throw badRequest('issuer: must be an https URL (plain http is allowed only for 127.0.0.1, localhost or [::1])');
  }
  // OpenID Connect Discovery §3: the issuer is compared verbatim, and has no query, fragment or credentials.
  if (url.search || url.hash || url.username || url.password) {
    throw badRequest('issuer: must not contain a query, fragment or credentials');
  }
}

async function mappingsOf(ctx: TxContext, providerIds: string[]): Promise<Map<string, RoleMapping[]>> {
  const byProvider = new Map<string, RoleMapping[]>();
  if (providerIds.length === 0) return byProvider;
  const rows = await ctx.db
    .select({ providerId: idpRoleMappings.identityProviderId, claim: idpRoleMappings.claim, value: idpRoleMappings.value, role: roles.name })
    .from(idpRoleMappings)
    .innerJoin(roles, eq(roles.id, idpRoleMappings.roleId))
    .where(inArray(idpRoleMappings.identityProviderId, providerIds))
    .orderBy(asc(idpRoleMappings.claim), asc(idpRoleMappings.value), asc(roles.name));
  for (const { providerId, ...mapping } of rows) {
    if (providerId) byProvider.set(providerId, [...(byProvider.get(providerId) ?? []), mapping]);
  }
  return byProvider;
}

/** Replaces the provider's mappings; every role must exist (the error names the entry). */
async function setMappings(ctx: TxContext, providerId: string, mappings: RoleMapping[]) {
  const names = [...new Set(mappings.map((m) => m.role))];
  const found = names.length ? await ctx.db.select({ id: roles.id, name: roles.name }).from(roles).where(inArray(roles.name, names)) : [];
  const roleIds = new Map(found.map((r) => [r.name, r.id]));
  const values = new Map<string, typeof idpRoleMappings.$inferInsert>();
  mappings.forEach((m, i) => {
    const roleId = roleIds.get(m.role);
    if (!roleId) throw badRequest(`roleMappings.${i}.role: no role named "${m.role}"`);
    // Repeated entries collapse to one, rather than tripping the unique constraint.
    values.set(JSON.stringify([m.claim, m.value, roleId]), { identityProviderId: providerId, claim: m.claim, value: m.value, roleId });
  });
  await ctx.db.delete(idpRoleMappings).where(eq(idpRoleMappings.identityProviderId, providerId));
  if (values.size) await ctx.db.insert(idpRoleMappings).values([...values.values()]);
}

export async function listIdentityProviders(ctx: ServiceContext, query: PageQuery) {
  const rows = await fetchPage(ctx.db, identityProviders, query);
  const mappings = await mappingsOf(ctx, rows.map((r) => r.id));
  return toPage(rows, query, (row) => toDto(ctx, row, mappings.get(row.id) ?? []));
}

export async function getIdentityProvider(ctx: TxContext, id: string): Promise<IdentityProvider> {
  const [row] = await ctx.db.select().from(identityProviders).where(eq(identityProviders.id, id));
  if (!row) throw notFound('identity provider', id);
  return toDto(ctx, row, (await mappingsOf(ctx, [id])).get(id) ?? []);
}

export async function createIdentityProvider(ctx: TxContext, input: IdentityProviderCreate): Promise<IdentityProvider> {
  assertIssuer(input.issuer);
  const { roleMappings, clientSecret, ...fields } = input;
  const [row] = await uniqueOr409(
    () =>
      ctx.db
        .insert(identityProviders)
        .values({ ...fields, clientSecret: clientSecret ? ctx.secrets.encrypt(clientSecret) : null })
        .returning(),
    `an identity provider with slug "${input.slug}" already exists`,
  );
  await setMappings(ctx, row!.id, roleMappings);
  return getIdentityProvider(ctx, row!.id);
}

export async function updateIdentityProvider(ctx: TxContext, id: string, patch: IdentityProviderUpdate): Promise<IdentityProvider> {
  if (patch.issuer !== undefined) assertIssuer(patch.issuer);
  const { roleMappings, clientSecret, ...fields } = patch;
  const changes: Partial<typeof identityProviders.$inferInsert> = stripUndefined(fields);
  // Absent keeps the secret, null removes it (a public client), a string replaces it.
  if (clientSecret !== undefined) changes.clientSecret = clientSecret === null ? null : ctx.secrets.encrypt(clientSecret);
  // Always touch updatedAt: it shows the change, and login re-runs discovery when it moves.
  changes.updatedAt = new Date();
  const [row] = await uniqueOr409(
    () => ctx.db.update(identityProviders).set(changes).where(eq(identityProviders.id, id)).returning(),
    `an identity provider with slug "${patch.slug}" already exists`,
  );
  if (!row) throw notFound('identity provider', id);
  if (roleMappings) await setMappings(ctx, id, roleMappings);
  return getIdentityProvider(ctx, id);
}

/** The provider's linked identities and role mappings go with it (foreign keys cascade); users stay. */
export async function deleteIdentityProvider(ctx: TxContext, id: string): Promise<void> {
  const deleted = await ctx.db.delete(identityProviders).where(eq(identityProviders.id, id)).returning({ id: identityProviders.id });
  if (deleted.length === 0) throw notFound('identity provider', id);
}
