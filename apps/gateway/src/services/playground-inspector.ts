import type { PlaygroundCatalog, PlaygroundComplete, PlaygroundCompletion } from '@switchboard/core/contracts/playground';
import { toProtocolError } from '../pipeline/errors.ts';
import type { ServiceContext } from './context.ts';
import { type PlaygroundCaller, principalFor, runtimeOf } from './playground.ts';

/**
 * The inspector's lists: the resources, resource templates and prompts the person (see
 * principalFor) would be listed by an MCP client, from the same routing table under their
 * access policy.
 */
export async function playgroundCatalog(ctx: ServiceContext, serverId: string, caller: PlaygroundCaller, asUser?: string): Promise<PlaygroundCatalog> {
  const runtime = await runtimeOf(ctx, serverId);
  const { principal } = await principalFor(ctx, caller, asUser);
  const { visibility } = runtime.callerOf(principal);
  const { router } = runtime;
  return {
    resources: router.listResources(visibility) as PlaygroundCatalog['resources'],
    resourceTemplates: router.listResourceTemplates(visibility) as PlaygroundCatalog['resourceTemplates'],
    prompts: router.listPrompts(visibility) as PlaygroundCatalog['prompts'],
  };
}

/**
 * `completion/complete` as the person: the router maps the exposed prompt name and checks
 * their access the way it does for MCP clients (a hidden prompt is an unknown one). A
 * refusal or an upstream error is an answer with `error`, not a failure of the console.
 */
export async function playgroundComplete(ctx: ServiceContext, serverId: string, request: PlaygroundComplete, caller: PlaygroundCaller): Promise<PlaygroundCompletion> {
  const runtime = await runtimeOf(ctx, serverId);
  const { principal } = await principalFor(ctx, caller, request.asUser);
  const { visibility } = runtime.callerOf(principal);
  const { asUser: _, ...params } = request;
  try {
    const answer = (await runtime.router.complete(params, {}, visibility)) as { completion?: { values?: string[]; hasMore?: boolean } };
    return { values: answer.completion?.values ?? [], hasMore: answer.completion?.hasMore ?? false, error: null };
  } catch (error) {
    const mapped = toProtocolError(error);
    if (!mapped) throw error;
    return { values: [], hasMore: false, error: mapped.message };
  }
}
