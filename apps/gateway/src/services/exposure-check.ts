import { buildRoutingTable, type UpstreamView } from '@switchboard/core/federation/routing-table';
import { upstreams, virtualServerEntries, virtualServers } from '@switchboard/db/schema';
import { eq, inArray } from 'drizzle-orm';
import { AppError, badRequest } from '../errors.ts';
import type { TxContext } from './context.ts';
import { catalogsFor } from './upstream-catalogs.ts';

/**
 * Save-time check of what a virtual server would expose, against the upstreams' stored
 * catalogs: two sources under one name is a 409 naming both; a name clients would reject
 * (rule, ≤ 64 characters) or a single entry its upstream does not offer is a 400.
 * Upstreams never listed yet are checked once they are.
 */
export async function assertExposable(ctx: TxContext, serverId: string): Promise<void> {
  const [server] = await ctx.db.select().from(virtualServers).where(eq(virtualServers.id, serverId));
  if (!server) return;
  const entries = await ctx.db.select().from(virtualServerEntries).where(eq(virtualServerEntries.virtualServerId, serverId));
  const ids = [...new Set(entries.map((e) => e.upstreamId))];
  const catalogs = await catalogsFor(ctx.db, ids);
  const names = ids.length
    ? new Map((await ctx.db.select({ id: upstreams.id, name: upstreams.name }).from(upstreams).where(inArray(upstreams.id, ids))).map((u) => [u.id, u.name]))
    : new Map<string, string>();
  const views = new Map<string, UpstreamView>();
  for (const [id, catalog] of catalogs) views.set(id, { id, name: names.get(id) ?? id, catalog });

  for (const entry of entries) {
    const catalog = catalogs.get(entry.upstreamId);
    if (!catalog || entry.kind === 'upstream') continue;
    const offered =
      entry.kind === 'tool'
        ? catalog.tools.some((t) => t.name === entry.name)
        : entry.kind === 'prompt'
          ? catalog.prompts.some((p) => p.name === entry.name)
          : catalog.resources.some((r) => r.uri === entry.name) || catalog.resourceTemplates.some((t) => t.uriTemplate === entry.name);
    if (!offered) throw badRequest(`entries: upstream "${names.get(entry.upstreamId)}" offers no ${entry.kind} "${entry.name}"`);
  }

  const table = buildRoutingTable(
    { id: server.id, name: server.name, prefixMode: server.prefixMode, resourceUris: server.resourceUris, enabled: server.enabled, entries },
    views,
  );
  const [clash] = table.conflicts;
  if (clash) {
    const resource = clash.kind === 'resource' || clash.kind === 'resource template';
    const what = resource ? `${clash.kind} "${clash.exposedName}"` : `${clash.kind} name "${clash.exposedName}"`;
    const fix = resource ? 'set resourceUris to "namespaced" to expose each under its upstream' : 'rename one, or use prefix "always"';
    throw new AppError(409, 'name_conflict', `the ${what} would be exposed twice: by ${clash.sources[0]} and by ${clash.sources[1]} (${fix})`);
  }
  const [bad] = table.invalid;
  if (bad) throw badRequest(`entries: ${bad.kind} ${bad.source} would be exposed as "${bad.exposedName}", which ${bad.problem}; rename it`);
}
