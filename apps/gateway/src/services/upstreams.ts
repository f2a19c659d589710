import type { PageQuery } from '@switchboard/core/contracts/common';
import type { Upstream, UpstreamCreate, UpstreamUpdate } from '@switchboard/core/contracts/upstreams';
import { upstreams } from '@switchboard/db/schema';
import { eq } from 'drizzle-orm';
import { badRequest, notFound, uniqueOr409 } from '../errors.ts';
import type { ServiceContext, TxContext } from './context.ts';
import { fetchPage, searchWhere, toPage } from './pagination.ts';
import { decryptMap, describeMap, encryptMap, mergeEncryptedMap } from './secret-fields.ts';
import { assertCredentials, describeCredentials, storedCredentials } from './upstream-credentials.ts';
import { stripUndefined } from './patch.ts';

type UpstreamRow = typeof upstreams.$inferSelect;

/** The env and headers in the clear, only where the names people supply are read from them (per-user upstreams). */
function decryptedTemplates(row: UpstreamRow, ctx?: { secrets?: ServiceContext['secrets'] }) {
  if (row.credentialMode === 'shared' || !ctx?.secrets) return { env: {}, headers: {} };
  return { env: decryptMap(ctx.secrets, row.env), headers: decryptMap(ctx.secrets, row.headers) };
}

export function toUpstreamDto(row: UpstreamRow, ctx?: { federation?: ServiceContext['federation']; secrets?: ServiceContext['secrets'] }): Upstream {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    transport: row.transport,
    command: row.command,
    args: row.args,
    cwd: row.cwd,
    url: row.url,
    env: describeMap(row.env),
    headers: describeMap(row.headers),
    bearerToken: { hasValue: row.bearerToken !== null },
    enabled: row.enabled,
    connectAtBoot: row.connectAtBoot,
    timeoutMs: row.timeoutMs,
    protocol: row.protocol,
    maxMessageBytes: row.maxMessageBytes,
    credentials: describeCredentials(row, decryptedTemplates(row, ctx)),
    status: ctx?.federation?.status(row.id) ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** `q` matches the name or description. */
export async function listUpstreams(ctx: ServiceContext, query: PageQuery & { q?: string }) {
  const rows = await fetchPage(ctx.db, upstreams, query, searchWhere(query.q, upstreams.name, upstreams.description));
  return toPage(rows, query, (row) => toUpstreamDto(row, ctx));
}

export async function findUpstreamRow(ctx: TxContext, id: string): Promise<UpstreamRow> {
  const [row] = await ctx.db.select().from(upstreams).where(eq(upstreams.id, id));
  if (!row) throw notFound('upstream', id);
  return row;
}

export async function getUpstream(ctx: ServiceContext, id: string): Promise<Upstream> {
  return toUpstreamDto(await findUpstreamRow(ctx, id), ctx);
}

/** Row values for a create, with every secret encrypted. */
export function upstreamValues(ctx: TxContext, input: UpstreamCreate) {
  const common = {
    name: input.name,
    description: input.description ?? null,
    transport: input.transport,
    enabled: input.enabled,
    connectAtBoot: input.connectAtBoot,
    timeoutMs: input.timeoutMs,
    protocol: input.protocol,
    ...storedCredentials(ctx.secrets, input.credentials ?? { mode: 'shared' }),
  };
  if (input.transport === 'stdio') {
    return {
      ...common,
      command: input.command,
      args: input.args,
      cwd: input.cwd ?? null,
      env: encryptMap(ctx.secrets, input.env),
      maxMessageBytes: input.maxMessageBytes ?? null,
      url: null,
      headers: {},
      bearerToken: null,
    };
  }
  return {
    ...common,
    command: null,
    args: [],
    cwd: null,
    env: {},
    maxMessageBytes: null,
    url: input.url,
    headers: encryptMap(ctx.secrets, input.headers),
    bearerToken: input.bearerToken ? ctx.secrets.encrypt(input.bearerToken) : null,
  };
}

/** A create's values, checked like an update's: credentials that fit the transport and the values. */
export function checkedUpstreamValues(ctx: TxContext, input: UpstreamCreate) {
  const values = upstreamValues(ctx, input);
  assertCredentials(values as UpstreamRow, input.transport === 'stdio' ? { env: input.env, headers: {} } : { env: {}, headers: input.headers });
  return values;
}

export async function createUpstream(ctx: TxContext, input: UpstreamCreate): Promise<Upstream> {
  const values = checkedUpstreamValues(ctx, input);
  const [row] = await uniqueOr409(
    () => ctx.db.insert(upstreams).values(values).returning(),
    `an upstream named "${input.name}" already exists`,
  );
  return toUpstreamDto(row!, ctx);
}

export async function updateUpstream(ctx: TxContext, id: string, patch: UpstreamUpdate): Promise<Upstream> {
  const current = await findUpstreamRow(ctx, id);
  const next = {
    ...current,
    ...stripUndefined({
      name: patch.name,
      description: patch.description,
      enabled: patch.enabled,
      connectAtBoot: patch.connectAtBoot,
      timeoutMs: patch.timeoutMs,
      protocol: patch.protocol,
      transport: patch.transport,
      command: patch.command,
      args: patch.args,
      cwd: patch.cwd,
      url: patch.url,
      maxMessageBytes: patch.maxMessageBytes,
    }),
    env: patch.env ? mergeEncryptedMap(ctx.secrets, current.env, patch.env) : current.env,
    headers: patch.headers ? mergeEncryptedMap(ctx.secrets, current.headers, patch.headers) : current.headers,
    bearerToken:
      patch.bearerToken === undefined
        ? current.bearerToken
        : patch.bearerToken && ctx.secrets.encrypt(patch.bearerToken),
    ...(patch.credentials ? storedCredentials(ctx.secrets, patch.credentials, current) : {}),
  };
  clearOtherTransportFields(next);
  assertTransportFields(next);
  assertCredentials(next, { env: decryptMap(ctx.secrets, next.env), headers: decryptMap(ctx.secrets, next.headers) });
  const { id: _id, createdAt: _c, updatedAt: _u, ...values } = next;
  const [row] = await uniqueOr409(
    () => ctx.db.update(upstreams).set(values).where(eq(upstreams.id, id)).returning(),
    `an upstream named "${next.name}" already exists`,
  );
  return toUpstreamDto(row!, ctx);
}

/** A transport switch must not leave the old transport's settings (or secrets) behind. */
function clearOtherTransportFields(row: UpstreamRow) {
  if (row.transport === 'stdio') Object.assign(row, { url: null, headers: {}, bearerToken: null });
  else Object.assign(row, { command: null, args: [], cwd: null, env: {}, maxMessageBytes: null });
}

/** After a partial update the row must still describe a runnable upstream of its transport. */
function assertTransportFields(row: UpstreamRow) {
  if (row.transport === 'stdio' && !row.command) throw badRequest('command: required for a stdio upstream');
  if (row.transport !== 'stdio' && !row.url) throw badRequest(`url: required for a ${row.transport} upstream`);
}

export async function deleteUpstream(ctx: TxContext, id: string): Promise<void> {
  const deleted = await ctx.db.delete(upstreams).where(eq(upstreams.id, id)).returning({ id: upstreams.id });
  if (deleted.length === 0) throw notFound('upstream', id);
}
