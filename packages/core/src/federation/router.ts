import type { ForwardOptions, McpPrompt, McpResource, McpResourceTemplate, McpTool } from '../upstream/types.ts';
import { type RoutingTable, routeResource } from './routing-table.ts';

/** The part of an upstream connection the router uses (the pool's connections satisfy it). */
export interface UpstreamHandle {
  request(method: string, params: Record<string, unknown> | undefined, options?: ForwardOptions): Promise<Record<string, unknown>>;
}

export interface UpstreamDirectory {
  get(id: string): UpstreamHandle | undefined;
  /** A downstream session ended: whatever the upstreams keep for it alone (ForwardOptions.isolationKey) goes. */
  releaseSession?(key: string): void;
}

/** JSON-RPC error codes the router answers with (MCP reuses JSON-RPC's). */
export const RPC_INVALID_PARAMS = -32602;
export const RPC_RESOURCE_NOT_FOUND = -32002;

/** A request the router cannot route: answered to the client as a JSON-RPC error. */
export class RoutingError extends Error {
  override readonly name = 'RoutingError';
  constructor(
    readonly rpcCode: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Which names a caller may see and use. The router asks it for every list and every call,
 * so listing and calling can never disagree. Absent = everything is visible.
 */
export interface Visibility {
  tool(upstreamName: string, name: string): boolean;
  prompt(upstreamName: string, name: string): boolean;
  resource(upstreamName: string, uri: string): boolean;
}

const everything: Visibility = { tool: () => true, prompt: () => true, resource: () => true };

/**
 * Routes one virtual server's requests to upstreams by the exposed names in its routing
 * table. Pure in-memory lookups; the table is swapped wholesale when catalogs change.
 */
export class VirtualServerRouter {
  constructor(
    private readonly directory: UpstreamDirectory,
    private table: RoutingTable,
  ) {}

  replaceTable(table: RoutingTable) {
    this.table = table;
  }

  get routingTable(): RoutingTable {
    return this.table;
  }

  private upstream(id: string): UpstreamHandle {
    const handle = this.directory.get(id);
    if (!handle) throw new RoutingError(-32603, 'the upstream serving this request is not configured');
    return handle;
  }

  listTools(visible: Visibility = everything): McpTool[] {
    return [...this.table.tools.values()].filter((r) => visible.tool(r.upstreamName, r.name)).map((r) => r.tool);
  }

  listPrompts(visible: Visibility = everything): McpPrompt[] {
    return [...this.table.prompts.values()].filter((r) => visible.prompt(r.upstreamName, r.name)).map((r) => r.prompt);
  }

  listResources(visible: Visibility = everything): McpResource[] {
    return [...this.table.resources.values()].filter((r) => visible.resource(r.upstreamName, r.uri)).map((r) => r.resource);
  }

  listResourceTemplates(visible: Visibility = everything): McpResourceTemplate[] {
    return this.table.templates.filter((t) => visible.resource(t.upstreamName, t.uriTemplate)).map((t) => t.template);
  }

  /** The route for an exposed tool name; a hidden tool is reported exactly like an unknown one. */
  toolRoute(name: string, visible: Visibility = everything) {
    const route = this.table.tools.get(name);
    if (!route || !visible.tool(route.upstreamName, route.name)) throw new RoutingError(RPC_INVALID_PARAMS, `Unknown tool: ${name}`);
    return route;
  }

  /**
   * One request to one upstream of this server, its params already as the upstream takes
   * them: the gateway's call pipeline routes, checks policy and builds them first.
   */
  forward(upstreamId: string, method: string, params: Record<string, unknown>, options: ForwardOptions) {
    return this.upstream(upstreamId).request(method, params, options);
  }

  /** resources/subscribe: routed by URI, which goes upstream as the upstream knows it (reads go through the gateway's call pipeline). */
  resourceRequest(method: string, params: Record<string, unknown>, options: ForwardOptions, visible: Visibility = everything) {
    const uri = String(params.uri);
    const route = routeResource(this.table, uri);
    if (!route || !visible.resource(route.upstreamName, route.uri)) throw new RoutingError(RPC_RESOURCE_NOT_FOUND, `Resource not found: ${uri}`);
    return this.upstream(route.upstreamId).request(method, { ...params, uri: route.uri }, options);
  }

  /** completion/complete: a prompt argument goes to the prompt's upstream, a template's to the template's. */
  complete(params: Record<string, unknown>, options: ForwardOptions, visible: Visibility = everything) {
    const ref = (params.ref ?? {}) as { type?: string; name?: string; uri?: string };
    if (ref.type === 'ref/prompt') {
      const route = this.table.prompts.get(String(ref.name));
      if (!route || !visible.prompt(route.upstreamName, route.name)) throw new RoutingError(RPC_INVALID_PARAMS, `Unknown prompt: ${ref.name}`);
      return this.upstream(route.upstreamId).request('completion/complete', { ...params, ref: { ...ref, name: route.name } }, options);
    }
    if (ref.type === 'ref/resource') {
      const template = this.table.templates.find((t) => t.template.uriTemplate === ref.uri);
      if (!template || !visible.resource(template.upstreamName, template.uriTemplate)) {
        throw new RoutingError(RPC_INVALID_PARAMS, `Unknown resource template: ${ref.uri}`);
      }
      return this.upstream(template.upstreamId).request('completion/complete', { ...params, ref: { ...ref, uri: template.uriTemplate } }, options);
    }
    throw new RoutingError(RPC_INVALID_PARAMS, 'completion/complete: ref must be a ref/prompt or ref/resource');
  }

  /** Upstreams behind this server (for fan-out requests such as logging/setLevel). */
  upstreamIds(): string[] {
    const ids = new Set<string>();
    for (const r of this.table.tools.values()) ids.add(r.upstreamId);
    for (const r of this.table.prompts.values()) ids.add(r.upstreamId);
    for (const r of this.table.resources.values()) ids.add(r.upstreamId);
    for (const t of this.table.templates) ids.add(t.upstreamId);
    return [...ids];
  }
}
