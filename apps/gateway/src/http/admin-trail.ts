import type { Context, MiddlewareHandler } from 'hono';
import type { AdminActor } from '../services/admin-events.ts';
import { recordAdminEvent } from '../services/admin-events.ts';
import type { ServiceContext } from '../services/context.ts';
import type { AppEnv } from './env.ts';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Who is making this admin API request (requireAdmin has run): the console's person, or the API token. */
export function adminActor(c: Context<AppEnv>): AdminActor {
  const person = c.get('consoleUser');
  if (person) return { kind: 'person', id: person.id, name: person.email };
  const token = c.get('adminToken');
  return { kind: 'token', id: token?.id ?? null, name: token?.name ?? 'unknown token' };
}

/** What the request's path says was changed: `/{type}[/{id}[/{action}]]` under /api/v1. */
function changeOf(method: string, path: string): { objectType: string; objectId: string | null; action: string } {
  const [objectType = 'unknown', second, ...rest] = path.replace(/^.*?\/api\/v1\//, '').split('/').filter(Boolean);
  if (rest.length > 0) return { objectType, objectId: second!, action: rest.join('/') };
  if (method === 'DELETE') return { objectType, objectId: second ?? null, action: 'delete' };
  if (method === 'PATCH' || method === 'PUT') return { objectType, objectId: second ?? null, action: 'update' };
  // POST /{type} creates; POST /{type}/{word} is an action on the collection (e.g. secrets/rekey)
  if (second === undefined) return { objectType, objectId: null, action: 'create' };
  return { objectType, objectId: null, action: second };
}

/**
 * POSTs that change nothing: the playground's requests (calls, reads, completions,
 * subscriptions), a connection test, dry runs. They are not in the trail, and live state
 * is not reloaded after them.
 */
export const changesNothing = (c: Context<AppEnv>) =>
  c.req.path.includes('/playground/') || c.req.path.endsWith('/upstreams/test') || c.req.query('dryRun') === 'true';

/**
 * The admin trail of every successful change made through the admin API (and so the
 * console). Routes that record their change themselves, inside its transaction, with the
 * object before and after (the CRUD routes, the import) set `adminEventRecorded`; every
 * other change (revocations, restarts, rekeying, …) is recorded here once it succeeded,
 * with what the response showed of the object as `after`.
 */
export function adminTrail(ctx: ServiceContext): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    if (READ_METHODS.has(c.req.method) || c.res.status >= 400 || c.get('adminEventRecorded') || changesNothing(c)) return;
    const change = changeOf(c.req.method, c.req.path);
    const json = c.res.headers.get('content-type')?.includes('application/json');
    const after = json ? ((await c.res.clone().json().catch(() => undefined)) as { id?: unknown } | undefined) : undefined;
    const objectId = change.objectId ?? (typeof after?.id === 'string' ? after.id : null);
    await recordAdminEvent(ctx.db, { actor: adminActor(c), ...change, objectId, after, requestId: c.get('requestId') ?? null });
  };
}
