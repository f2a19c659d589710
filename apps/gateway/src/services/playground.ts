import type { PlaygroundAnswer, PlaygroundCall, PlaygroundMessage, PlaygroundTool } from '@switchboard/core/contracts/playground';
import { users, virtualServers } from '@switchboard/db/schema';
import { eq, or } from 'drizzle-orm';
import { AppError, notFound } from '../errors.ts';
import type { Principal } from '../mcp/principal.ts';
import type { CallerContext, CallKind } from '../pipeline/call.ts';
import { CallFailure } from '../pipeline/errors.ts';
import { outcomeOf } from '../pipeline/outcome.ts';
import { modernProjection } from '../pipeline/project.ts';
import type { ServiceContext } from './context.ts';

/** Who is at the console: a signed-in person, or an admin API token (maybe bound to a person). */
export interface PlaygroundCaller {
  userId: string | null;
  /** How the audit trail names the one at the console when they act as someone else. */
  label: string;
}

/** The client id playground calls carry in the audit trail. */
export const PLAYGROUND_CLIENT_ID = 'switchboard-console';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function runtimeOf(ctx: ServiceContext, serverId: string) {
  const [server] = await ctx.db.select({ enabled: virtualServers.enabled }).from(virtualServers).where(eq(virtualServers.id, serverId));
  if (!server) throw notFound('virtual server', serverId);
  if (!server.enabled) throw new AppError(409, 'server_disabled', 'this virtual server is disabled; enable it to try its tools');
  const runtime = await ctx.federation?.runtimeFor?.(serverId);
  if (!runtime) throw new AppError(503, 'not_running', 'this virtual server is not running in this gateway process');
  return runtime;
}

/** The person the playground acts as: the one at the console, or (`asUser`) the person named. */
export async function principalFor(ctx: ServiceContext, caller: PlaygroundCaller, asUser: string | undefined): Promise<{ principal: Principal; actor?: string }> {
  if (asUser === undefined) {
    return { principal: { key: `console:${caller.userId ?? 'token'}`, kind: 'console', userId: caller.userId, clientId: PLAYGROUND_CLIENT_ID } };
  }
  const match = UUID.test(asUser) ? or(eq(users.id, asUser), eq(users.email, asUser)) : eq(users.email, asUser);
  const [user] = await ctx.db.select({ id: users.id }).from(users).where(match);
  if (!user) throw new AppError(404, 'unknown_user', `no user "${asUser}"`);
  return { principal: { key: `console-as:${user.id}`, kind: 'console', userId: user.id, clientId: PLAYGROUND_CLIENT_ID }, actor: caller.label };
}

const text = (value: unknown) => (typeof value === 'string' ? value : null);

/** The tools the person (see principalFor) would be listed by an MCP client: their access policy applies. */
export async function listPlaygroundTools(ctx: ServiceContext, serverId: string, caller: PlaygroundCaller, asUser?: string): Promise<PlaygroundTool[]> {
  const runtime = await runtimeOf(ctx, serverId);
  const { principal } = await principalFor(ctx, caller, asUser);
  const visible = runtime.callerOf(principal).visibility;
  return [...runtime.router.routingTable.tools.entries()]
    .filter(([, route]) => visible?.tool(route.upstreamName, route.name) ?? true)
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

const METHODS = { tool: 'tools/call', resource: 'resources/read', prompt: 'prompts/get' } as const;
const REQUEST_ID = 1;

/** What the playground asks: a tool with its arguments, a resource by URI, a prompt with its arguments. */
export interface PlaygroundAsk {
  kind: CallKind;
  name: string;
  arguments?: Record<string, unknown>;
  timeoutMs?: number;
  asUser?: string;
  /** A tool's retry with the answers to what it asked (see PlaygroundCall). */
  inputResponses?: Record<string, Record<string, unknown>>;
  requestState?: string;
}

/** What the page can answer in the middle of a tool call: elicitation forms (not sampling: it has no model). */
const PAGE_CAPABILITIES = { elicitation: { form: {} } };

/**
 * Calls one tool, reads one resource or gets one prompt as a client of the virtual server
 * would: through its call pipeline, as the person at the console (or the person an
 * administrator chose), so their access policy applies and the audit trail records it
 * like any MCP call (with the administrator as `actor` when acting as someone else). A
 * refusal, a tool error and an unreachable upstream are answers, not failures. The answer
 * carries the exchange as the client would see it on the wire: request, progress and log
 * notifications, response.
 */
export async function askPlayground(
  ctx: ServiceContext,
  serverId: string,
  ask: PlaygroundAsk,
  caller: PlaygroundCaller,
  /** `signal`: the person cancelled (the upstream is sent notifications/cancelled); `onMessage`: each message as it happens. */
  live: { signal?: AbortSignal; onMessage?: (message: PlaygroundMessage) => void } = {},
): Promise<PlaygroundAnswer> {
  const runtime = await runtimeOf(ctx, serverId);
  const { principal, actor } = await principalFor(ctx, caller, ask.asUser);
  const person: CallerContext = { ...runtime.callerOf(principal), actor };
  const answers = ask.kind === 'tool' && { ...(ask.inputResponses && { inputResponses: ask.inputResponses }), ...(ask.requestState && { requestState: ask.requestState }) };
  const params: Record<string, unknown> =
    ask.kind === 'resource' ? { uri: ask.name } : { name: ask.name, arguments: ask.arguments ?? {}, ...answers, _meta: { progressToken: REQUEST_ID } };
  const exchange: PlaygroundMessage[] = [];
  const add = (message: PlaygroundMessage) => {
    exchange.push(message);
    live.onMessage?.(message);
  };
  add({ direction: 'sent', message: { jsonrpc: '2.0', id: REQUEST_ID, method: METHODS[ask.kind], params } });
  const received = (method: string, notification: Record<string, unknown>) => add({ direction: 'received', message: { jsonrpc: '2.0', method, params: notification } });
  const started = performance.now();
  const durationMs = () => Math.round(performance.now() - started);
  // the console shows the audit log next: the call is in it by the time the answer is
  const recorded = () => ctx.federation?.flushAudit?.();
  try {
    const result = await runtime.call({
      kind: ask.kind,
      name: ask.name,
      params,
      era: 'modern',
      caller: person,
      downstream: {
        logThreshold: 'debug',
        // A tool may ask the person for input: the call comes back `input_required` and the
        // page calls again with the answers, as a 2026-07-28 client does (pipeline/input-bridge.ts).
        ...(ask.kind === 'tool' && { clientCapabilities: PAGE_CAPABILITIES }),
        inputRequired: ask.kind === 'tool' ? 'relay' : 'refuse',
        project: modernProjection,
        hooks: {
          signal: live.signal,
          onProgress: (progress) => received('notifications/progress', { progressToken: REQUEST_ID, ...progress }),
          onLog: (log) => received('notifications/message', log),
        },
        timeoutMs: ask.timeoutMs,
      },
    });
    add({ direction: 'received', message: { jsonrpc: '2.0', id: REQUEST_ID, result } });
    const answer = { outcome: outcomeOf(ask.kind, result), durationMs: durationMs(), result, error: null, exchange, ...inputRequiredOf(result) };
    await recorded();
    return answer;
  } catch (error) {
    if (!(error instanceof CallFailure)) throw error;
    add({
      direction: 'received',
      message: { jsonrpc: '2.0', id: REQUEST_ID, error: { code: error.code, message: error.message, ...(error.data !== undefined && { data: error.data }) } },
    });
    const message = error.outcome === 'denied' ? deniedMessage(ask.name, principal.userId, actor) : error.message;
    const answer = { outcome: error.outcome, durationMs: durationMs(), result: null, error: { code: error.errorCode, message }, exchange };
    await recorded();
    return answer;
  }
}

/** One tool call (see askPlayground). */
export const callPlaygroundTool = (
  ctx: ServiceContext,
  serverId: string,
  call: PlaygroundCall,
  caller: PlaygroundCaller,
  live?: Parameters<typeof askPlayground>[4],
) => askPlayground(ctx, serverId, { kind: 'tool', ...call }, caller, live);

/** An `input_required` result as the page answers it: the questions, and the state to send back. */
function inputRequiredOf(result: Record<string, unknown>): Pick<PlaygroundAnswer, 'inputRequired'> {
  if (result.resultType !== 'input_required' || typeof result.inputRequests !== 'object' || result.inputRequests === null) return {};
  const requests = result.inputRequests as NonNullable<PlaygroundAnswer['inputRequired']>['requests'];
  return { inputRequired: { requests, ...(typeof result.requestState === 'string' && { requestState: result.requestState }) } };
}

function deniedMessage(name: string, userId: string | null, actor: string | undefined): string {
  const who = actor ? 'this person has' : userId ? 'you have' : 'this token acts for no person and has';
  return `${who} no access to "${name}" on this virtual server (or it does not exist); an MCP client would be told it is unknown`;
}
