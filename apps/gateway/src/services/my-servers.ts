import type { MyServer } from '@switchboard/core/contracts/my-servers';
import { virtualServers } from '@switchboard/db/schema';
import { asc, eq } from 'drizzle-orm';
import type { ServiceContext } from './context.ts';
import { mcpUrl } from './virtual-servers.ts';

/**
 * What a person may use: every enabled virtual server on which the live policy lets them
 * see at least one item, with the tools it lets them see. Decided by the same snapshot and
 * evaluator as the MCP endpoints and the access preview (services/access-explain.ts). On an
 * `auth: "none"` server callers have no identity, so the server's default decides there.
 */
export async function listMyServers(ctx: ServiceContext, userId: string): Promise<MyServer[]> {
  const rows = await ctx.db
    .select({ id: virtualServers.id, name: virtualServers.name, description: virtualServers.description, authMode: virtualServers.authMode })
    .from(virtualServers)
    .where(eq(virtualServers.enabled, true))
    .orderBy(asc(virtualServers.name));
  const servers: MyServer[] = [];
  for (const row of rows) {
    const state = ctx.federation?.currentAccess?.(row.id);
    if (!state) continue;
    const { table, policy } = state;
    const subject = row.authMode === 'none' ? null : userId;
    const allows = (kind: 'tool' | 'prompt' | 'resource', upstream: string, name: string) => policy.allows(row.id, subject, kind, upstream, name);
    const tools = [...table.tools]
      .filter(([, route]) => allows('tool', route.upstreamName, route.name))
      .map(([name, route]) => ({ name, upstream: route.upstreamName, description: route.tool.description ?? null }));
    const otherItems =
      [...table.prompts.values()].filter((r) => allows('prompt', r.upstreamName, r.name)).length +
      [...table.resources.values()].filter((r) => allows('resource', r.upstreamName, r.uri)).length +
      table.templates.filter((t) => allows('resource', t.upstreamName, t.uriTemplate)).length;
    if (tools.length + otherItems === 0) continue;
    servers.push({ ...row, url: mcpUrl(ctx.publicUrl, row.id), tools, otherItems });
  }
  return servers;
}
