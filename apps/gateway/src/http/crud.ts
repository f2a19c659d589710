import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { errorBodySchema, pageOf, pageQuerySchema } from '@switchboard/core/contracts/common';
import type { Context } from 'hono';
import { recordAdminEvent } from '../services/admin-events.ts';
import type { ServiceContext, TxContext } from '../services/context.ts';
import { adminActor } from './admin-trail.ts';
import type { AppEnv } from './env.ts';
import { validationHook } from './validation.ts';

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
const errors = {
  400: json(errorBodySchema, 'Invalid input; the message names the field'),
  401: json(errorBodySchema, 'Missing, unknown, revoked or expired token'),
  403: json(errorBodySchema, 'Token not allowed to do this'),
};
export const errorResponses = errors;
export const jsonResponse = json;
export const idParams = z.object({ id: z.uuid() });
/** `?q=`: a list searched on the server (see `searchWhere`). */
export const searchQuery = z.object({ q: z.string().trim().max(200).optional().describe('Search: part of the name (or email) or description') });

/**
 * A JSON response whose shape the route's schema already documents. The generic `Item`
 * defeats Hono's response-type inference, so the body is cast once, here.
 */
const send = <S extends 200 | 201>(c: Context, body: unknown, status: S) => c.json(body as never, status);

/** An upstream's live connection status is not configuration: left out of the trail. */
function withoutStatus(item: unknown): unknown {
  if (typeof item !== 'object' || item === null || !('status' in item)) return item;
  const { status: _, ...rest } = item as Record<string, unknown>;
  return rest;
}

interface CrudOptions<Item, Create, Update> {
  ctx: ServiceContext;
  tag: string;
  /** Singular, for descriptions. */
  noun: string;
  schemas: { item: z.ZodType<Item>; create: z.ZodType<Create>; update: z.ZodType<Update> };
  extraListQuery?: z.ZodObject;
  service: {
    list(ctx: ServiceContext, query: z.infer<typeof pageQuerySchema> & Record<string, unknown>): Promise<{ items: Item[]; nextCursor: string | null }>;
    get(ctx: TxContext, id: string): Promise<Item>;
    create(ctx: TxContext, input: Create): Promise<Item>;
    update(ctx: TxContext, id: string, patch: Update): Promise<Item>;
    remove(ctx: TxContext, id: string): Promise<void>;
  };
}

/**
 * The five routes every admin resource has (list, get, create, update, delete), with the
 * OpenAPI description generated from the same zod schemas that validate the requests.
 * Writes run in a transaction so a failure part-way leaves nothing behind.
 */
export function crudRoutes<Item, Create, Update>(options: CrudOptions<Item, Create, Update>) {
  const { ctx, tag, noun, schemas, service } = options;
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const inTx = <T>(fn: (tx: TxContext) => Promise<T>) => ctx.db.transaction((db) => fn({ ...ctx, db }));
  /**
   * A change and its admin-trail record (admin-events.ts), in one transaction: the object
   * as the API shows it before and after (secrets already write-only there, masked again
   * by the recorder), without its live runtime status.
   */
  const change = async <T>(c: Context<AppEnv>, action: string, id: string | null, fn: (tx: TxContext, before: Item | undefined) => Promise<T>) => {
    const result = await inTx(async (tx) => {
      const before = id === null ? undefined : await service.get(tx, id);
      const after = await fn(tx, before);
      const objectId = id ?? ((after as { id?: unknown })?.id as string | undefined) ?? null;
      await recordAdminEvent(tx.db, {
        actor: adminActor(c),
        action,
        objectType: tag,
        objectId,
        before: withoutStatus(before),
        after: action === 'delete' ? undefined : withoutStatus(after),
        requestId: c.get('requestId'),
      });
      return after;
    });
    c.set('adminEventRecorded', true);
    return result;
  };
  const notFound = { 404: json(errorBodySchema, `No such ${noun}`) };
  const listQuery = options.extraListQuery ? pageQuerySchema.extend(options.extraListQuery.shape) : pageQuerySchema;

  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags: [tag],
      summary: `List ${noun}s`,
      request: { query: listQuery },
      responses: { 200: json(pageOf(schemas.item), `A page of ${noun}s`), ...errors },
    }),
    async (c) => send(c, await service.list(ctx, c.req.valid('query') as z.infer<typeof pageQuerySchema>), 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}',
      tags: [tag],
      summary: `Get a ${noun}`,
      request: { params: idParams },
      responses: { 200: json(schemas.item, `The ${noun}`), ...errors, ...notFound },
    }),
    async (c) => send(c, await service.get(ctx, c.req.valid('param').id), 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/',
      tags: [tag],
      summary: `Create a ${noun}`,
      request: { body: { ...json(schemas.create, `The new ${noun}`), required: true } },
      responses: { 201: json(schemas.item, `The created ${noun}`), ...errors, 409: json(errorBodySchema, 'Name already taken') },
    }),
    async (c) => send(c, await change(c, 'create', null, (tx) => service.create(tx, c.req.valid('json') as Create)), 201),
  );
  app.openapi(
    createRoute({
      method: 'patch',
      path: '/{id}',
      tags: [tag],
      summary: `Update a ${noun}`,
      request: { params: idParams, body: { ...json(schemas.update, 'Fields to change'), required: true } },
      responses: { 200: json(schemas.item, `The updated ${noun}`), ...errors, ...notFound, 409: json(errorBodySchema, 'Name already taken') },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      return send(c, await change(c, 'update', id, (tx) => service.update(tx, id, c.req.valid('json') as Update)), 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'delete',
      path: '/{id}',
      tags: [tag],
      summary: `Delete a ${noun}`,
      request: { params: idParams },
      responses: { 204: { description: 'Deleted' }, ...errors, ...notFound },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      await change(c, 'delete', id, (tx) => service.remove(tx, id));
      return c.body(null, 204);
    },
  );
  return app;
}
