import { isInputRequiredResult, Server, type ServerContext } from '@modelcontextprotocol/server';
import type { VirtualServerRouter, Visibility } from '@switchboard/core/federation/router';
import type { ForwardOptions } from '@switchboard/core/upstream/types';
import { audited, type CallAuditor } from './call-audit.ts';
import { forwarding } from './errors.ts';
import { downstreamResult, forwardOptions as optionsFor, upstreamParams as forwardParams } from './forwarding.ts';
import { type LogLevel, requestLogLevel, upstreamLogLevel } from './logging.ts';

export interface GatewayServerOptions {
  name: string;
  version: string;
  instructions?: string;
  router: () => VirtualServerRouter;
  /** Awaited before every request (connects lazy upstreams). */
  prepare?: () => Promise<void>;
  /** What this caller may see and use (the access policy); absent = everything. */
  visibility?: Visibility;
  /** Records this caller's tools/call, prompts/get and resources/read in the audit trail. */
  audit?: CallAuditor;
  /** Subscriptions of this downstream session, kept by the runtime for update fan-out. */
  onSubscribe?(uri: string): void;
  onUnsubscribe?(uri: string): void;
  /** Per-session state the runtime's fast path reads (the level set by logging/setLevel). */
  sessionState?: { logLevel?: LogLevel };
}

type Params = Record<string, unknown>;

const isModernRequest = (ctx: ServerContext) =>
  Boolean(ctx.mcpReq._meta && 'io.modelcontextprotocol/protocolVersion' in ctx.mcpReq._meta);
type AnyResult = Record<string, unknown>;

/** The downstream session, when it is a 2025-era one whose client can be asked for input. */
function isolationKeyOf(ctx: ServerContext, caps: Record<string, unknown>): string | undefined {
  if (!ctx.sessionId || isModernRequest(ctx) || !(caps.elicitation || caps.sampling)) return undefined;
  return ctx.sessionId;
}

/**
 * One low-level SDK `Server` speaking for a virtual server: every request is answered from
 * the in-memory routing table or forwarded to the upstream that owns the name. The SDK
 * handles the protocol (eras, sessions, validation, `input_required` bridging); this file
 * only routes.
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
  const visible = options.visibility;
  // A 2025-era session's level from logging/setLevel (2026 requests carry their own).
  const session = options.sessionState ?? {};
  // 2025-era sessions declared their capabilities at initialize; 2026 requests carry them.
  const upstreamParams = (params: Params, ctx: ServerContext) =>
    forwardParams(
      params,
      ctx,
      server.getClientCapabilities() as Record<string, unknown> | undefined,
      upstreamLogLevel(requestLogLevel(ctx, session.logLevel)),
    );
  const clientCapabilities = () => (server.getClientCapabilities() ?? {}) as Record<string, unknown>;
  const forwardOptions = (ctx: ServerContext): ForwardOptions => ({
    ...optionsFor(ctx, requestLogLevel(ctx, session.logLevel)),
    // A 2025-era upstream asks its client directly; relay to this client if it can answer.
    // (A 2026-07-28 client is asked through input_required results instead.)
    onServerRequest: async (method: string, params: Record<string, unknown> | undefined) => {
      const capability = method === 'elicitation/create' ? 'elicitation' : 'sampling';
      if (!clientCapabilities()[capability] || isModernRequest(ctx)) throw new Error(`the client cannot answer ${method}`);
      return (await ctx.mcpReq.send({ method, params } as never)) as Record<string, unknown>;
    },
    // A 2025-era session that can answer gets its own connection to upstreams that could
    // not tell its requests from other sessions' (stateless 2026-07-28 requests never do).
    isolationKey: isolationKeyOf(ctx, clientCapabilities()),
  });
  // The SDK's handler typings are per-method unions; the router deals in plain JSON objects.
  const handle = (method: string, fn: (params: Params, ctx: ServerContext) => Promise<AnyResult>) =>
    server.setRequestHandler(method as 'tools/list', (async (request: { params?: Params }, ctx: ServerContext) => {
      await options.prepare?.();
      return downstreamResult(await fn(request.params ?? {}, ctx));
    }) as never);

  handle('tools/list', async () => ({ tools: options.router().listTools(visible) }));
  handle('tools/call', async (params, ctx) =>
    audited(options.audit, 'tool', String(params.name), params.arguments, async () => {
      const router = options.router();
      // an unknown or hidden tool is invalid params (-32602), as on the fast paths
      const route = await forwarding(undefined, async () => router.toolRoute(String(params.name), visible));
      const result = await forwarding(route.upstreamName, () => router.callTool(upstreamParams(params, ctx), forwardOptions(ctx), visible));
      if (isInputRequiredResult(result)) return result;
      const outputSchema = route.tool.outputSchema as Record<string, unknown> | undefined;
      return server.projectCallToolResult(result as never, outputSchema) as AnyResult;
    }),
  );
  handle('prompts/list', async () => ({ prompts: options.router().listPrompts(visible) }));
  handle('prompts/get', async (params, ctx) =>
    audited(options.audit, 'prompt', String(params.name), params.arguments, () =>
      forwarding(undefined, () => options.router().getPrompt(upstreamParams(params, ctx), forwardOptions(ctx), visible)),
    ),
  );
  handle('resources/list', async () => ({ resources: options.router().listResources(visible) }));
  handle('resources/templates/list', async () => ({ resourceTemplates: options.router().listResourceTemplates(visible) }));
  handle('resources/read', async (params, ctx) =>
    audited(options.audit, 'resource', String(params.uri), { uri: params.uri }, () =>
      forwarding(undefined, () => options.router().resourceRequest('resources/read', upstreamParams(params, ctx), forwardOptions(ctx), visible)),
    ),
  );
  handle('resources/subscribe', async (params, ctx) => {
    await forwarding(undefined, () =>
      options.router().resourceRequest('resources/subscribe', upstreamParams(params, ctx), forwardOptions(ctx), visible),
    );
    options.onSubscribe?.(String(params.uri));
    return {};
  });
  handle('resources/unsubscribe', async (params, ctx) => {
    options.onUnsubscribe?.(String(params.uri));
    // The upstream subscription is shared by every session; it stays until the upstream goes.
    void ctx;
    return {};
  });
  handle('logging/setLevel', async (params) => {
    session.logLevel = params.level as LogLevel;
    return {};
  });
  handle('completion/complete', async (params, ctx) =>
    forwarding(undefined, () => options.router().complete(upstreamParams(params, ctx), forwardOptions(ctx), visible)),
  );
  return server;
}
