import type { Connection, ConnectionValues } from '@switchboard/core/contracts/credentials';
import { userConnections } from '@switchboard/db/schema';
import { eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { CredentialUpstream } from '../credentials/types.ts';
import { AppError, badRequest, notFound } from '../errors.ts';
import type { ServiceContext } from './context.ts';

type Row = typeof userConnections.$inferSelect;

function credentialsOf(ctx: ServiceContext) {
  if (!ctx.credentials) throw new AppError(503, 'unavailable', 'per-person credentials are not available in this process');
  return ctx.credentials;
}

/** The per-person upstreams a person must connect to (a provider that needs nothing of them — an assertion — is not listed). */
function connectable(ctx: ServiceContext): CredentialUpstream[] {
  const credentials = credentialsOf(ctx);
  return credentials.all().filter((u) => credentials.provider(u.mode)?.needsConnection ?? true);
}

/** A per-person upstream by id or name; 404 for a shared or unknown one. */
export function findConnectable(ctx: ServiceContext, idOrName: string): CredentialUpstream {
  const found = connectable(ctx).find((u) => u.id === idOrName || u.name === idOrName);
  if (!found) throw notFound('upstream needing your credential', idOrName);
  return found;
}

function toConnection(ctx: ServiceContext, upstream: CredentialUpstream, row: Row | undefined): Connection {
  const values = upstream.mode === 'per-user' ? upstream.userValues.map((name) => ({ name, hasValue: row?.kind === 'secrets' && storedNames(ctx, row).includes(name) })) : [];
  return {
    upstream: { id: upstream.id, name: upstream.name, description: upstream.description },
    mode: upstream.mode,
    status: row ? row.status : 'not_connected',
    values,
    connectUrl: credentialsOf(ctx).connectUrl(upstream.name),
    metadata: row?.metadata ?? {},
    connectedAt: row ? row.createdAt.toISOString() : null,
    updatedAt: row ? row.updatedAt.toISOString() : null,
    expiresAt: row?.expiresAt ? row.expiresAt.toISOString() : null,
  };
}

/** Which names a stored `secrets` connection has values for (decrypted only to read the names; the values never leave). */
function storedNames(ctx: ServiceContext, row: Row): string[] {
  const payload = JSON.parse(ctx.secrets.decrypt(row.payload)) as { values?: Record<string, string> };
  return Object.keys(payload.values ?? {});
}

/**
 * Each upstream that needs the person's own credential and that they can reach through a
 * virtual server (`visibleTo`, from the live policy), with where they stand. Admins see a
 * person's whole list (`visibleTo` absent).
 */
export async function listConnections(ctx: ServiceContext, userId: string, visibleTo?: (upstream: CredentialUpstream) => boolean): Promise<Connection[]> {
  const rows = await ctx.db.select().from(userConnections).where(eq(userConnections.userId, userId));
  const byUpstream = new Map(rows.map((r) => [r.upstreamId, r]));
  return connectable(ctx)
    .filter((u) => byUpstream.has(u.id) || (visibleTo?.(u) ?? true))
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((u) => toConnection(ctx, u, byUpstream.get(u.id)));
}

export async function getConnection(ctx: ServiceContext, userId: string, upstream: CredentialUpstream): Promise<Connection> {
  const rows = await ctx.db.select().from(userConnections).where(eq(userConnections.userId, userId));
  return toConnection(ctx, upstream, rows.find((r) => r.upstreamId === upstream.id));
}

/** `PUT`: the person's values for a per-user upstream, all of them; an unknown or missing name is refused. */
export async function setConnectionValues(ctx: ServiceContext, userId: string, upstream: CredentialUpstream, input: ConnectionValues): Promise<Connection> {
  if (upstream.mode !== 'per-user') throw badRequest(`upstream "${upstream.name}" is connected by authorizing (mode ${upstream.mode}), not with values`, 'wrong_mode');
  const given = Object.keys(input.values);
  const unknown = given.find((name) => !upstream.userValues.includes(name));
  if (unknown) throw badRequest(`values.${unknown}: upstream "${upstream.name}" takes ${upstream.userValues.join(', ')}`);
  const missing = upstream.userValues.find((name) => !given.includes(name));
  if (missing) throw badRequest(`values.${missing}: required (upstream "${upstream.name}" takes ${upstream.userValues.join(', ')})`);
  await credentialsOf(ctx).store.save({ userId, upstreamId: upstream.id, kind: 'secrets', payload: { values: input.values } });
  return getConnection(ctx, userId, upstream);
}

/** `DELETE`: the person's connection goes (their upstream connection with it); 404 when there was none. */
export async function removeConnection(ctx: ServiceContext, userId: string, upstream: CredentialUpstream, logger?: Logger): Promise<void> {
  const credentials = credentialsOf(ctx);
  const stored = await credentials.store.get(userId, upstream.id);
  const provider = credentials.provider(upstream.mode);
  if (stored && provider?.onDisconnect) {
    await provider.onDisconnect(upstream, stored).catch((err: unknown) =>
      logger?.warn({ upstream: upstream.name, err: { message: (err as Error).message } }, 'could not undo a connection at the upstream'),
    );
  }
  const removed = await credentials.store.remove(userId, upstream.id);
  if (!removed) throw notFound('connection to upstream', upstream.name);
}
