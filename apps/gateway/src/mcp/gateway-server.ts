import { CLIENT_CAPABILITIES_META_KEY, PROTOCOL_VERSION_META_KEY, Server, type ServerContext } from '@modelcontextprotocol/server';
import type { VirtualServerRouter } from '@switchboard/core/federation/router';
import type { CallerContext, CallHandler, CallKind, McpCall } from '../pipeline/call.ts';
import { legacyProjection } from '../pipeline/project.ts';
import { upstreamParams } from '../pipeline/upstream-params.ts';
import { forwarding } from './errors.ts';
import { sdkHooks } from './forwarding.ts';
import { type LogLevel, requestLogLevel } from './logging.ts';
import { traceOf } from './principal.ts';

export interface GatewayServerOptions {
  name: string;
  version: string;
  instructions?: string;
  router: () => VirtualServerRouter;
  /** The call pipeline of this virtual server (tools/call, resources/read, prompts/get). */
  call: CallHandler;
  /** Awaited before every request that reads the routing table outside the pipeline (connects lazy upstreams). */
  prepare?: () => Promise<void> | undefined;
  /** Who is calling, and what they may see. */
  caller: CallerContext;
  /** Subscriptions of this downstream session, kept by the runtime for update fan-out. */
  onSubscribe?(uri: string): void;
  onUnsubscribe?(uri: string): void;
  /** A 2025-era session set its log level (the other replicas serving it follow). */
  onLogLevel?(level: LogLevel, sessionId: string | undefined): void;
  /** Per-session state the lean path reads too (the level set by logging/setLevel). */
  sessionState?: { logLevel?: LogLevel };
}

type Params = Record<string, unknown>;
type AnyResult = Record<string, unknown>;

const isModernRequest = (ctx: ServerContext) => Boolean(ctx.mcpReq._meta && PROTOCOL_VERSION_META_KEY in ctx.mcpReq._meta);

/** The downstream session, when it is a 2025-era one whose client can be asked for input. */
function isolationKeyOf(ctx: ServerContext, caps: Record<string, unknown>): string | undefined {
  if (!ctx.sessionId || isModernRequest(ctx) || !(caps.elicitation || caps.sampling)) return undefined;
  return ctx.sessionId;
}

/**
 * One low-level SDK `Server` speaking for a virtual server: the SDK adapter. Lists are
 * answered from the in-memory routing table under the caller's visibility; tools/call,
 * resources/read and prompts/get are decoded into the one call pipeline. The SDK handles
 * the protocol (eras, sessions, validation, `input_required` bridging).
 */
export function createGatewayServer(options: GatewayServerOptions): Server {
  const server = new Server(
    { name: options.name, version: options.version },
    {
      capabilities: {
        tools: { listChanged: true },
        resources: { subscribe: true, listChanged: true },
        prompts: { listChanged: true },
        logging: {},
        completions: {},
      },
      instructions: options.instructions,
    },
  );
  const visible = options.caller.visibility;
  // A 2025-era session's level from logging/setLevel (2026 requests carry their own).
  const session = options.sessionState ?? {};
  const projection = legacyProjection(server);
  // 2025-era sessions declared their capabilities at initialize; 2026 requests carry them.
  const clientCapabilities = (params: Params) =>
    ((params._meta as Params | undefined)?.[CLIENT_CAPABILITIES_META_KEY] ?? server.getClientCapabilities() ?? {}) as Record<string, unknown>;

  const callOf = (kind: CallKind, name: string, params: Params, ctx: ServerContext): McpCall => {
    const capabilities = clientCapabilities(params);
    const threshold = requestLogLevel(ctx, session.logLevel);
    return {
      kind,
      name,
      params,
      era: isModernRequest(ctx) ? 'modern' : 'legacy',
      caller: options.caller,
      trace: traceOf(ctx.http?.authInfo),
      downstream: {
        clientCapabilities: capabilities,
        logThreshold: threshold,
        // the SDK bridges an input_required result for the era it serves
        inputRequired: 'relay',
        project: projection,
        inputResponses: ctx.mcpReq.inputResponses,
        hooks: {
          ...sdkHooks(ctx, threshold),
          // A 2025-era upstream asks its client directly; relay to this client if it can answer.
          // (A 2026-07-28 client is asked through input_required results instead.)
          onServerRequest: async (method: string, params: Record<string, unknown> | undefined) => {
            const capability = method === 'elicitation/create' ? 'elicitation' : 'sampling';
            if (!capabilities[capability] || isModernRequest(ctx)) throw new Error(`the client cannot answer ${method}`);
            return (await ctx.mcpReq.send({ method, params } as never)) as Record<string, unknown>;
          },
          // A 2025-era session that can answer gets its own connection to upstreams that could
          // not tell its requests from other sessions' (stateless 2026-07-28 requests never do).
          isolationKey: isolationKeyOf(ctx, capabilities),
        },
      },
    };
  };

  // The SDK's handler typings are per-method unions; the router deals in plain JSON objects.
  // (`prepare` runs first for lists and the rest; pipeline calls run it in their route stage.)
  const handle = (method: string, fn: (params: Params, ctx: ServerContext) => Promise<AnyResult>, prepared = true) =>
    server.setRequestHandler(method as 'tools/list', (async (request: { params?: Params }, ctx: ServerContext) => {
      if (prepared) await options.prepare?.();
      return fn(request.params ?? {}, ctx);
    }) as never);

  handle('tools/list', async () => ({ tools: options.router().listTools(visible) }));
  handle('tools/call', (params, ctx) => options.call(callOf('tool', String(params.name), params, ctx)), false);
  handle('prompts/list', async () => ({ prompts: options.router().listPrompts(visible) }));
  handle('prompts/get', (params, ctx) => options.call(callOf('prompt', String(params.name), params, ctx)), false);
  handle('resources/list', async () => ({ resources: options.router().listResources(visible) }));
  handle('resources/templates/list', async () => ({ resourceTemplates: options.router().listResourceTemplates(visible) }));
  handle('resources/read', (params, ctx) => options.call(callOf('resource', String(params.uri), params, ctx)), false);
  // Requests outside the pipeline (nothing to audit): forwarded with the same params rule,
  // nothing renamed (subscribe names a URI; the router maps a completion's ref itself).
  const forwardAsIs = (params: Params, ctx: ServerContext) => {
    const call = callOf('resource', '', params, ctx);
    return { params: upstreamParams(call), hooks: call.downstream.hooks };
  };
  handle('resources/subscribe', async (params, ctx) => {
    const out = forwardAsIs(params, ctx);
    await forwarding(undefined, () => options.router().resourceRequest('resources/subscribe', out.params, out.hooks, visible));
    options.onSubscribe?.(String(params.uri));
    return {};
  });
  handle('resources/unsubscribe', async (params) => {
    options.onUnsubscribe?.(String(params.uri));
    // The upstream subscription is shared by every session; it stays until the upstream goes.
    return {};
  });
  handle('logging/setLevel', async (params, ctx) => {
    session.logLevel = params.level as LogLevel;
    options.onLogLevel?.(session.logLevel, ctx.sessionId);
    return {};
  });
  handle('completion/complete', async (params, ctx) => {
    const out = forwardAsIs(params, ctx);
    return forwarding(undefined, () => options.router().complete(out.params, out.hooks, visible));
  });
  return server;
}
