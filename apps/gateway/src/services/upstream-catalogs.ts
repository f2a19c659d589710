import { createHash } from 'node:crypto';
import type { Catalog } from '@switchboard/core/upstream/types';
import type { Executor } from '@switchboard/db/client';
import { upstreamCatalogs } from '@switchboard/db/schema';
import { eq, inArray, sql } from 'drizzle-orm';

type Row = typeof upstreamCatalogs.$inferSelect;

const hashOf = (c: Catalog) =>
  createHash('sha256')
    .update(JSON.stringify([c.tools, c.resources, c.resourceTemplates, c.prompts, c.capabilities, c.serverInfo, c.instructions]))
    .digest('hex');

export function toCatalog(row: Row): Catalog {
  return {
    tools: row.tools as Catalog['tools'],
    resources: row.resources as Catalog['resources'],
    resourceTemplates: row.resourceTemplates as Catalog['resourceTemplates'],
    prompts: row.prompts as Catalog['prompts'],
    capabilities: row.capabilities,
    serverInfo: row.serverInfo as Catalog['serverInfo'],
    instructions: row.instructions,
  };
}

/**
 * Stores what an upstream listed. The lists (and `refreshedAt`, when they last changed) are
 * written only when they changed; `checkedAt` records every listing.
 */
export async function saveCatalog(db: Executor, upstreamId: string, catalog: Catalog, now = new Date()): Promise<void> {
  const schemaHash = hashOf(catalog);
  const values = {
    upstreamId,
    tools: catalog.tools,
    resources: catalog.resources,
    resourceTemplates: catalog.resourceTemplates,
    prompts: catalog.prompts,
    capabilities: catalog.capabilities,
    serverInfo: catalog.serverInfo,
    instructions: catalog.instructions,
    schemaHash,
    refreshedAt: now,
    checkedAt: now,
  };
  const [written] = await db
    .insert(upstreamCatalogs)
    .values(values)
    .onConflictDoUpdate({
      target: upstreamCatalogs.upstreamId,
      set: values,
      setWhere: sql`${upstreamCatalogs.schemaHash} <> ${schemaHash}`,
    })
    .returning({ upstreamId: upstreamCatalogs.upstreamId });
  // Unchanged lists: only note that they were checked.
  if (!written) await db.update(upstreamCatalogs).set({ checkedAt: now }).where(eq(upstreamCatalogs.upstreamId, upstreamId));
}

export async function getCatalogRow(db: Executor, upstreamId: string): Promise<Row | undefined> {
  const [row] = await db.select().from(upstreamCatalogs).where(eq(upstreamCatalogs.upstreamId, upstreamId));
  return row;
}

export async function catalogsFor(db: Executor, upstreamIds: string[]): Promise<Map<string, Catalog>> {
  if (upstreamIds.length === 0) return new Map();
  const rows = await db.select().from(upstreamCatalogs).where(inArray(upstreamCatalogs.upstreamId, upstreamIds));
  return new Map(rows.map((r) => [r.upstreamId, toCatalog(r)]));
}
