import { virtualServers } from '@switchboard/db/schema';
import { eq } from 'drizzle-orm';
import type { ServiceContext } from '../services/context.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The canonical resource identifier (RFC 8707 / RFC 9728 `resource`) of a virtual server: its MCP URL. */
export function resourceUrl(publicUrl: string, serverId: string): string {
  return `${publicUrl}/servers/${serverId}/mcp`;
}

export interface ProtectedServer {
  id: string;
  name: string;
  resource: string;
}

/**
 * The virtual server a `resource` parameter names: exactly our URL for an enabled server
 * that uses our OAuth. Anything else (another host, a prefix, a sibling path) is unknown.
 */
export async function serverForResource(ctx: ServiceContext, resource: string | undefined): Promise<ProtectedServer | undefined> {
  if (!resource) return undefined;
  const prefix = `${ctx.publicUrl}/servers/`;
  if (!resource.startsWith(prefix) || !resource.endsWith('/mcp')) return undefined;
  const id = resource.slice(prefix.length, -'/mcp'.length);
  if (!UUID.test(id)) return undefined;
  const [row] = await ctx.db.select().from(virtualServers).where(eq(virtualServers.id, id));
  if (!row?.enabled || row.authMode !== 'oauth') return undefined;
  return { id: row.id, name: row.name, resource };
}
