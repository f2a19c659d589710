import type { PlaygroundCall, PlaygroundCallResult, PlaygroundTool } from '@switchboard/core/contracts/playground';
import { RoutingError, type VirtualServerRouter } from '@switchboard/core/federation/router';
import { UpstreamError } from '@switchboard/core/upstream/types';
import { auditEvents, virtualServers } from '@switchboard/db/schema';
import { eq } from 'drizzle-orm';
import { auditPayload } from '../audit/payload.ts';
import { AppError, notFound } from '../errors.ts';
import type { ServiceContext } from './context.ts';

/** The administrator trying a tool; recorded in the audit trail like any other caller. */
export interface PlaygroundCaller {
  userId: string | null;
  userEmail: string | null;
}

/** The client id playground calls carry in the audit trail. */
export const PLAYGROUND_CLIENT_ID = 'switchboard-console';

async function routerOf(ctx: ServiceContext, serverId: string) {
  const [server] = await ctx.db
    .select({ enabled: virtualServers.enabled, auditPayloads: virtualServers.auditPayloads })
    .from(virtualServers)
    .where(eq(virtualServers.id, serverId));
  if (!server) throw notFound('virtual server', serverId);
  if (!server.enabled) throw new AppError(409, 'server_disabled', 'this virtual server is disabled; enable it to try its tools');
  const router = await ctx.federation?.routerFor?.(serverId);
  if (!router) throw new AppError(503, 'not_running', 'this virtual server is not running in this gateway process');
  return { router, auditPayloads: server.auditPayloads };
}

const text = (value: unknown) => (typeof value === 'string' ? value : null);

/** Every tool the virtual server exposes, as a client would list it (access policy not applied). */
export async function listPlaygroundTools(ctx: ServiceContext, serverId: string): Promise<PlaygroundTool[]> {
  const { router } = await routerOf(ctx, serverId);
  return [...router.routingTable.tools.entries()]
    .map(([name, route]) => ({
      name,
      title: text(route.tool.title),
      description: text(route.tool.description),
      inputSchema: (route.tool.inputSchema ?? { type: 'object' }) as Record<string, unknown>,
      upstreamName: route.upstreamName,
      upstreamTool: route.name,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function failure(error: unknown): Pick<PlaygroundCallResult, 'outcome' | 'error'> {
  if (error instanceof UpstreamError) {
    const outcome = error.code === 'upstream_timeout' ? 'timeout' : 'upstream_failure';
    return { outcome, error: { code: error.code, message: error.message } };
  }
  throw error;
}

/**
 * Calls one tool through the virtual server's router as the administrator, and records
 * the call in the audit trail at once (with arguments and result only on servers that
 * store payloads, redacted like every other call's). A tool that
 * reports an error (`isError`) and an unreachable upstream are answers, not failures.
 */
export async function callPlaygroundTool(
  ctx: ServiceContext,
  serverId: string,
  call: PlaygroundCall,
  caller: PlaygroundCaller,
): Promise<PlaygroundCallResult> {
  const { router, auditPayloads } = await routerOf(ctx, serverId);
  let route: ReturnType<VirtualServerRouter['toolRoute']>;
  try {
    route = router.toolRoute(call.name);
  } catch (error) {
    if (error instanceof RoutingError) throw new AppError(404, 'unknown_tool', `this virtual server has no tool named "${call.name}"`);
    throw error;
  }
  const occurredAt = new Date();
  const started = performance.now();
  let outcome: PlaygroundCallResult;
  try {
    const result = await router.callTool({ name: call.name, arguments: call.arguments ?? {} }, { timeoutMs: call.timeoutMs });
    outcome = { outcome: result.isError === true ? 'tool_error' : 'ok', durationMs: 0, result, error: null };
  } catch (error) {
    outcome = { ...failure(error), durationMs: 0, result: null };
  }
  outcome.durationMs = Math.round(performance.now() - started);
  await ctx.db.insert(auditEvents).values({
    occurredAt,
    userId: caller.userId,
    userEmail: caller.userEmail,
    clientId: PLAYGROUND_CLIENT_ID,
    virtualServerId: serverId,
    kind: 'tool',
    exposedName: call.name,
    upstreamName: route.upstreamName,
    upstreamItem: route.name,
    outcome: outcome.outcome,
    durationMs: outcome.durationMs,
    errorCode: outcome.error?.code ?? null,
    arguments: auditPayloads ? auditPayload(call.arguments ?? {}) : null,
    result: auditPayloads && outcome.result ? auditPayload(outcome.result) : null,
  });
  return outcome;
}
