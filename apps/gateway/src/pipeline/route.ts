import type { VirtualServerRouter } from '@switchboard/core/federation/router';
import { RPC_INVALID_PARAMS, RPC_RESOURCE_NOT_FOUND } from '@switchboard/core/federation/router';
import { clientResourceUri, type RoutingTable, routeResource } from '@switchboard/core/federation/routing-table';
import type { CallRoute, McpCall, Stage } from './call.ts';
import { UnknownName } from './outcome.ts';

/** Which upstream serves an exposed name, and its own name there; undefined when none does. */
export function resolveRoute(router: VirtualServerRouter, kind: McpCall['kind'], name: string): CallRoute | undefined {
  const table = router.routingTable;
  const found = findRoute(table, kind, name);
  if (found && table.resourceUris === 'namespaced') found.clientUri = (uri) => clientResourceUri(table, found.upstreamName, uri);
  return found;
}

function findRoute(table: RoutingTable, kind: McpCall['kind'], name: string): CallRoute | undefined {
  if (kind === 'tool') {
    const route = table.tools.get(name);
    return route && { upstreamId: route.upstreamId, upstreamName: route.upstreamName, item: route.name, tool: route.tool };
  }
  if (kind === 'prompt') {
    const route = table.prompts.get(name);
    return route && { upstreamId: route.upstreamId, upstreamName: route.upstreamName, item: route.name };
  }
  const route = routeResource(table, name);
  return route && { upstreamId: route.upstreamId, upstreamName: route.upstreamName, item: route.uri };
}

export function unknownName(kind: McpCall['kind'], name: string): UnknownName {
  if (kind === 'resource') return new UnknownName(RPC_RESOURCE_NOT_FOUND, `Resource not found: ${name}`);
  return new UnknownName(RPC_INVALID_PARAMS, `Unknown ${kind}: ${name}`);
}

/**
 * Route: the exposed name → the upstream that serves it (from the in-memory routing
 * table), once `prepare` has connected the server's lazy upstreams (bounded; a no-op when
 * all are connected).
 */
export function route(options: { router: () => VirtualServerRouter; prepare?: () => Promise<void> | undefined }): Stage {
  return async (call, next) => {
    const preparing = options.prepare?.();
    if (preparing) await preparing;
    const found = resolveRoute(options.router(), call.kind, call.name);
    if (!found) throw unknownName(call.kind, call.name);
    call.route = found;
    return next(call);
  };
}
