import type { PageQuery } from '@switchboard/core/contracts/common';
import type {
  VirtualServer,
  VirtualServerCreate,
  VirtualServerEntry,
  VirtualServerUpdate,
} from '@switchboard/core/contracts/virtual-servers';
import { upstreams, virtualServerEntries, virtualServers } from '@switchboard/db/schema';
import { eq, inArray } from 'drizzle-orm';
import { badRequest, conflict, notFound, uniqueOr409 } from '../errors.ts';
import type { ServiceContext, TxContext } from './context.ts';
import { assertExposable } from './exposure-check.ts';
import { fetchPage, searchWhere, toPage } from './pagination.ts';
import { stripUndefined } from './patch.ts';

type ServerRow = typeof virtualServers.$inferSelect;
type EntryRow = typeof virtualServerEntries.$inferSelect & { upstreamName: string };

export const mcpUrl = (publicUrl: string, id: string) => `${publicUrl}/servers/${id}/mcp`;

function toDto(ctx: { publicUrl: string }, row: ServerRow, entries: EntryRow[]): VirtualServer {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    prefixMode: row.prefixMode,
    resourceUris: row.resourceUris,
    authMode: row.authMode,
    defaultAccess: row.defaultAccess,
    enabled: row.enabled,
    auditPayloads: row.auditPayloads,
    url: mcpUrl(ctx.publicUrl, row.id),
    entries: entries.map((e) => ({
      upstreamId: e.upstreamId,
      upstreamName: e.upstreamName,
      kind: e.kind,
      name: e.name,
      exposedName: e.exposedName,
      description: e.description,
    })),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

async function entriesOf(ctx: TxContext, serverIds: string[]): Promise<Map<string, EntryRow[]>> {
  const byServer = new Map<string, EntryRow[]>();
  if (serverIds.length === 0) return byServer;
  const rows = await ctx.db
    .select({ entry: virtualServerEntries, upstreamName: upstreams.name })
    .from(virtualServerEntries)
    .innerJoin(upstreams, eq(upstreams.id, virtualServerEntries.upstreamId))
    .where(inArray(virtualServerEntries.virtualServerId, serverIds))
    .orderBy(virtualServerEntries.createdAt, virtualServerEntries.id);
  for (const { entry, upstreamName } of rows) {
    const list = byServer.get(entry.virtualServerId) ?? [];
    list.push({ ...entry, upstreamName });
    byServer.set(entry.virtualServerId, list);
  }
  return byServer;
}

/** `q` matches the name or description. */
export async function listVirtualServers(ctx: ServiceContext, query: PageQuery & { q?: string }) {
  const rows = await fetchPage(ctx.db, virtualServers, query, searchWhere(query.q, virtualServers.name, virtualServers.description));
  const entries = await entriesOf(ctx, rows.map((r) => r.id));
  return toPage(rows, query, (row) => toDto(ctx, row, entries.get(row.id) ?? []));
}

export async function getVirtualServer(ctx: TxContext, id: string): Promise<VirtualServer> {
  const [row] = await ctx.db.select().from(virtualServers).where(eq(virtualServers.id, id));
  if (!row) throw notFound('virtual server', id);
  const entries = await entriesOf(ctx, [id]);
  return toDto(ctx, row, entries.get(id) ?? []);
}

/**
 * Entries must name existing upstreams, appear once, and not expose two things under one
 * name. (Conflicts between whole upstreams' tools are checked against the live catalog.)
 */
async function assertEntriesValid(ctx: TxContext, entries: VirtualServerEntry[]) {
  const ids = [...new Set(entries.map((e) => e.upstreamId))];
  const known = ids.length
    ? new Set((await ctx.db.select({ id: upstreams.id }).from(upstreams).where(inArray(upstreams.id, ids))).map((r) => r.id))
    : new Set<string>();
  const seen = new Set<string>();
  const exposed = new Map<string, number>();
  entries.forEach((entry, index) => {
    if (!known.has(entry.upstreamId)) throw badRequest(`entries.${index}.upstreamId: no upstream ${entry.upstreamId}`);
    const key = `${entry.upstreamId}/${entry.kind}/${entry.name ?? ''}`;
    if (seen.has(key)) throw badRequest(`entries.${index}: listed twice`);
    seen.add(key);
    if (entry.exposedName) {
      const exposedKey = `${entry.kind}/${entry.exposedName}`;
      const other = exposed.get(exposedKey);
      if (other !== undefined) {
        throw conflict(`entries.${index} and entries.${other} both expose the ${entry.kind} "${entry.exposedName}"`);
      }
      exposed.set(exposedKey, index);
    }
  });
}

async function replaceEntries(ctx: TxContext, serverId: string, entries: VirtualServerEntry[]) {
  await assertEntriesValid(ctx, entries);
  await ctx.db.delete(virtualServerEntries).where(eq(virtualServerEntries.virtualServerId, serverId));
  if (entries.length === 0) return;
  await ctx.db.insert(virtualServerEntries).values(
    entries.map((e) => ({
      virtualServerId: serverId,
      upstreamId: e.upstreamId,
      kind: e.kind,
      name: e.name ?? null,
      exposedName: e.exposedName ?? null,
      description: e.description ?? null,
    })),
  );
}

/** Callers wrap this in a transaction so a bad entry leaves no half-created server. */
export async function createVirtualServer(ctx: TxContext, input: VirtualServerCreate): Promise<VirtualServer> {
  const { entries, ...fields } = input;
  const [row] = await uniqueOr409(
    () =>
      ctx.db
        .insert(virtualServers)
        .values({ ...fields, description: fields.description ?? null })
        .returning(),
    input.id
      ? `a virtual server named "${input.name}" or with id ${input.id} already exists`
      : `a virtual server named "${input.name}" already exists`,
  );
  await replaceEntries(ctx, row!.id, entries);
  await assertExposable(ctx, row!.id);
  return getVirtualServer(ctx, row!.id);
}

export async function updateVirtualServer(
  ctx: TxContext,
  id: string,
  patch: VirtualServerUpdate,
): Promise<VirtualServer> {
  const { entries, ...fields } = patch;
  const changes = stripUndefined(fields);
  const [row] = await uniqueOr409(
    () =>
      Object.keys(changes).length > 0
        ? ctx.db.update(virtualServers).set(changes).where(eq(virtualServers.id, id)).returning()
        : ctx.db.select().from(virtualServers).where(eq(virtualServers.id, id)),
    `a virtual server named "${patch.name}" already exists`,
  );
  if (!row) throw notFound('virtual server', id);
  if (entries) await replaceEntries(ctx, id, entries);
  await assertExposable(ctx, id);
  return getVirtualServer(ctx, id);
}

export async function deleteVirtualServer(ctx: TxContext, id: string): Promise<void> {
  const deleted = await ctx.db
    .delete(virtualServers)
    .where(eq(virtualServers.id, id))
    .returning({ id: virtualServers.id });
  if (deleted.length === 0) throw notFound('virtual server', id);
}
