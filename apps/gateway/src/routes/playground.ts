import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { errorBodySchema } from '@switchboard/core/contracts/common';
import {
  playgroundAnswerSchema,
  playgroundCallSchema,
  playgroundCatalogSchema,
  playgroundCompleteSchema,
  playgroundCompletionSchema,
  playgroundListQuerySchema,
  playgroundRequestSchema,
  playgroundSubscribeSchema,
  playgroundToolsSchema,
} from '@switchboard/core/contracts/playground';
import { AppError } from '../errors.ts';
import { errorResponses, idParams, jsonResponse } from '../http/crud.ts';
import type { AppEnv } from '../http/env.ts';
import { validationHook } from '../http/validation.ts';
import type { ServiceContext } from '../services/context.ts';
import { askPlayground, callPlaygroundTool, listPlaygroundTools, type PlaygroundCaller } from '../services/playground.ts';
import { playgroundCatalog, playgroundComplete } from '../services/playground-inspector.ts';
import { subscribePlayground } from '../services/playground-subscribe.ts';

const tags = ['virtual-servers'];
const unavailable = {
  404: jsonResponse(errorBodySchema, 'No such virtual server, or no such user to act as'),
  409: jsonResponse(errorBodySchema, 'The virtual server is disabled'),
  503: jsonResponse(errorBodySchema, 'The virtual server is not running here'),
};

/** Who is at the console, from the admin API's authentication. */
function callerOf(c: Context<AppEnv>): PlaygroundCaller {
  const user = c.get('consoleUser');
  if (user) return { userId: user.id, label: user.email };
  const token = c.get('adminToken');
  return { userId: token?.userId ?? null, label: `api-token:${token?.id ?? 'unknown'}` };
}

const KEEP_ALIVE_MS = 15_000;

type Write = (event: string, data: unknown) => Promise<void>;

/**
 * Answers with server-sent events that `run` writes (JSON each); `ended` aborts when the
 * client goes away. A failure is one `error` event carrying the API's error body — never
 * an internal message (the status line was sent before anything could fail).
 */
function eventStream(c: Context<AppEnv>, run: (write: Write, ended: AbortSignal) => Promise<void>) {
  return streamSSE(c, async (stream) => {
    const write: Write = (event, data) => stream.writeSSE({ event, data: JSON.stringify(data) }).catch(() => {});
    const gone = new AbortController();
    stream.onAbort(() => gone.abort());
    try {
      await run(write, AbortSignal.any([c.req.raw.signal, gone.signal]));
    } catch (error) {
      const body = error instanceof AppError ? { code: error.code, message: error.message } : { code: 'internal', message: 'the request failed' };
      await write('error', { error: body });
    }
  }) as never;
}

/**
 * `/virtual-servers/{id}/playground`: inspect a virtual server as yourself (or, to debug
 * access, as another person): its tools, resources and prompts, each request through the
 * one pipeline, with the JSON-RPC exchange as a client would see it.
 */
export function playgroundRoutes(ctx: ServiceContext) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}/playground/tools',
      tags,
      summary: 'The tools a virtual server lists to you (or to ?asUser=), with their input schemas (connects its upstreams)',
      request: { params: idParams, query: playgroundListQuerySchema },
      responses: { 200: jsonResponse(playgroundToolsSchema, 'The tools'), ...errorResponses, ...unavailable },
    }),
    async (c) => c.json({ items: await listPlaygroundTools(ctx, c.req.valid('param').id, callerOf(c), c.req.valid('query').asUser) }, 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/{id}/playground/tools/call',
      tags,
      summary: 'Call one tool of a virtual server as yourself or asUser, through the same access policy and audit as MCP clients',
      description:
        'With `Accept: text/event-stream` the answer streams: a `message` event for each JSON-RPC message as it happens (progress, logs), then `answer`. Closing the request cancels the call.',
      request: { params: idParams, body: { ...jsonResponse(playgroundCallSchema, 'The tool and its arguments'), required: true } },
      responses: { 200: jsonResponse(playgroundAnswerSchema, 'How the call went, and the JSON-RPC exchange'), ...errorResponses, ...unavailable },
    }),
    async (c) => {
      const [id, call, caller, signal] = [c.req.valid('param').id, c.req.valid('json'), callerOf(c), c.req.raw.signal];
      // Closing the request cancels the call (the upstream is sent notifications/cancelled).
      if (!c.req.header('accept')?.includes('text/event-stream')) return c.json(await callPlaygroundTool(ctx, id, call, caller, { signal }), 200);
      // Live: each message (progress, logs) as an `message` event while the tool runs, then the `answer`.
      return eventStream(c, async (write) => {
        const answer = await callPlaygroundTool(ctx, id, call, caller, { signal, onMessage: (message) => void write('message', message) });
        await write('answer', answer);
      });
    },
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/{id}/playground/resources/subscribe',
      tags,
      summary: 'Subscribe to a resource as yourself or asUser, and hear its updates live (server-sent events) until you close the request',
      description:
        'Answers `text/event-stream`: a `message` event for each JSON-RPC message a client would see (the `resources/subscribe` request, its response, then each `notifications/resources/updated`), and a `ping` every 15 s. Closing the request unsubscribes. A resource the person may not read is refused as an MCP client is (an error response, then `end`).',
      request: { params: idParams, body: { ...jsonResponse(playgroundSubscribeSchema, 'The resource URI'), required: true } },
      responses: { 200: { description: 'The subscription, as server-sent events' }, ...errorResponses, ...unavailable },
    }),
    async (c) => {
      const [id, request, caller] = [c.req.valid('param').id, c.req.valid('json'), callerOf(c)];
      return eventStream(c, async (write, ended) => {
        // a quiet subscription still says something now and then, so proxies do not cut it
        const keepAlive = setInterval(() => void write('ping', {}), KEEP_ALIVE_MS);
        try {
          await subscribePlayground(ctx, id, request, caller, { signal: ended, onMessage: (message) => void write('message', message) });
        } finally {
          clearInterval(keepAlive);
        }
        await write('end', {});
      });
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}/playground/catalog',
      tags,
      summary: 'The resources, resource templates and prompts a virtual server lists to you (or to ?asUser=)',
      request: { params: idParams, query: playgroundListQuerySchema },
      responses: { 200: jsonResponse(playgroundCatalogSchema, 'What may be read and got'), ...errorResponses, ...unavailable },
    }),
    async (c) => c.json(await playgroundCatalog(ctx, c.req.valid('param').id, callerOf(c), c.req.valid('query').asUser), 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/{id}/playground/request',
      tags,
      summary: 'Read a resource or get a prompt as yourself or asUser, through the same access policy and audit as MCP clients',
      request: { params: idParams, body: { ...jsonResponse(playgroundRequestSchema, 'The resource URI or prompt, and its arguments'), required: true } },
      responses: { 200: jsonResponse(playgroundAnswerSchema, 'How it went, and the JSON-RPC exchange'), ...errorResponses, ...unavailable },
    }),
    async (c) => c.json(await askPlayground(ctx, c.req.valid('param').id, c.req.valid('json'), callerOf(c)), 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/{id}/playground/complete',
      tags,
      summary: 'Completions for a prompt argument or a resource template variable, as yourself or asUser',
      request: { params: idParams, body: { ...jsonResponse(playgroundCompleteSchema, 'What to complete'), required: true } },
      responses: { 200: jsonResponse(playgroundCompletionSchema, 'The suggested values'), ...errorResponses, ...unavailable },
    }),
    async (c) => c.json(await playgroundComplete(ctx, c.req.valid('param').id, c.req.valid('json'), callerOf(c)), 200),
  );
  return app;
}
