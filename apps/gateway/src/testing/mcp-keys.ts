import type { McpKeyCreate } from '@switchboard/core/contracts/api-tokens';
import { users } from '@switchboard/db/schema';
import { eq } from 'drizzle-orm';
import type { FederationRegistry } from '../federation/registry.ts';
import type { ServiceContext } from '../services/context.ts';
import { mintMcpKey } from '../services/mcp-keys.ts';

/**
 * A personal MCP key of the person `email` (created when absent), minted by the same
 * service as `POST /api/v1/me/keys`, and applied as that route applies it (the key
 * directory reloads), for tests that call `api-key` virtual servers.
 */
export async function mcpKeyFor(
  gw: { ctx: ServiceContext; registry: Pick<FederationRegistry, 'configChanged'> },
  email: string,
  options: Partial<McpKeyCreate> = {},
): Promise<{ token: string; id: string; userId: string }> {
  await gw.ctx.db.insert(users).values({ email }).onConflictDoNothing();
  const [user] = await gw.ctx.db.select({ id: users.id }).from(users).where(eq(users.email, email));
  const key = await mintMcpKey(gw.ctx, user!.id, { name: options.name ?? `key of ${email}`, ...options });
  await gw.registry.configChanged();
  return { token: key.token, id: key.id, userId: user!.id };
}
