import type { Catalog, McpPrompt, McpResource, McpResourceTemplate, McpTool } from '../upstream/types.ts';
import { exposedName, exposedNameProblem, exposedUri, type PrefixMode, type ResourceUriMode, upstreamUri } from './naming.ts';

/** One entry of a virtual server: a whole upstream, or one item of it (maybe renamed). */
export interface VirtualServerEntrySpec {
  upstreamId: string;
  kind: 'upstream' | 'tool' | 'resource' | 'prompt';
  name?: string | null;
  exposedName?: string | null;
  description?: string | null;
}

export interface VirtualServerSpec {
  id: string;
  name: string;
  prefixMode: PrefixMode;
  /** Absent = "original". */
  resourceUris?: ResourceUriMode;
  enabled: boolean;
  entries: VirtualServerEntrySpec[];
}

export interface UpstreamView {
  id: string;
  name: string;
  catalog: Catalog;
}

export interface ToolRoute {
  upstreamId: string;
  upstreamName: string;
  /** The name the upstream knows. */
  name: string;
  /** The tool as this virtual server lists it (exposed name, description override). */
  tool: McpTool;
}

export interface PromptRoute {
  upstreamId: string;
  upstreamName: string;
  name: string;
  prompt: McpPrompt;
}

export interface ResourceRoute {
  upstreamId: string;
  upstreamName: string;
  /** The URI the upstream knows. */
  uri: string;
  /** The resource as this virtual server lists it (exposed URI, description override). */
  resource: McpResource;
}

export interface TemplateRoute {
  upstreamId: string;
  upstreamName: string;
  /** The template the upstream knows. */
  uriTemplate: string;
  /** The template as this virtual server lists it; `matcher` matches URIs expanded from it. */
  template: McpResourceTemplate;
  matcher: RegExp;
}

/** Two sources that would be exposed under one name (or URI, or URI template). */
export interface NameConflict {
  kind: 'tool' | 'prompt' | 'resource' | 'resource template';
  exposedName: string;
  sources: [string, string]; // "upstream:name"
}

export interface InvalidName {
  kind: 'tool' | 'prompt';
  exposedName: string;
  source: string;
  problem: string;
}

export interface RoutingTable {
  tools: Map<string, ToolRoute>;
  prompts: Map<string, PromptRoute>;
  resources: Map<string, ResourceRoute>;
  templates: TemplateRoute[];
  conflicts: NameConflict[];
  invalid: InvalidName[];
  resourceUris: ResourceUriMode;
}

/** `file:///{path}` → a regex matching concrete URIs (RFC 6570 level-1 variables only). */
export function templateMatcher(uriTemplate: string): RegExp {
  const pattern = uriTemplate
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith('{') ? (part.startsWith('{+') || part.startsWith('{/') ? '.+' : '[^/]+') : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${pattern}$`);
}

/**
 * Resolves a virtual server's entries against its upstreams' current catalogs. Single
 * entries win over the same item arriving through a whole-upstream entry (so a rename or
 * new description applies). Items missing from a catalog are simply absent until the
 * upstream lists them. Conflicts keep the first source and are reported.
 */
export function buildRoutingTable(server: VirtualServerSpec, upstreams: Map<string, UpstreamView>): RoutingTable {
  const resourceUris = server.resourceUris ?? 'original';
  const table: RoutingTable = { tools: new Map(), prompts: new Map(), resources: new Map(), templates: [], conflicts: [], invalid: [], resourceUris };
  const singles = new Set(server.entries.filter((e) => e.kind !== 'upstream').map((e) => `${e.upstreamId}/${e.kind}/${e.name}`));
  const toolSources = new Map<string, string>();
  const promptSources = new Map<string, string>();

  const addTool = (upstream: UpstreamView, tool: McpTool, entry?: VirtualServerEntrySpec) => {
    const name = exposedName(upstream.name, tool.name, server.prefixMode, entry?.exposedName);
    const source = `${upstream.name}:${tool.name}`;
    const problem = exposedNameProblem(name);
    if (problem) return void table.invalid.push({ kind: 'tool', exposedName: name, source, problem });
    const existing = toolSources.get(name);
    if (existing) return void table.conflicts.push({ kind: 'tool', exposedName: name, sources: [existing, source] });
    toolSources.set(name, source);
    const listed = { ...tool, name, ...(entry?.description ? { description: entry.description } : {}) };
    table.tools.set(name, { upstreamId: upstream.id, upstreamName: upstream.name, name: tool.name, tool: listed });
  };
  const addPrompt = (upstream: UpstreamView, prompt: McpPrompt, entry?: VirtualServerEntrySpec) => {
    const name = exposedName(upstream.name, prompt.name, server.prefixMode, entry?.exposedName);
    const source = `${upstream.name}:${prompt.name}`;
    const problem = exposedNameProblem(name);
    if (problem) return void table.invalid.push({ kind: 'prompt', exposedName: name, source, problem });
    const existing = promptSources.get(name);
    if (existing) return void table.conflicts.push({ kind: 'prompt', exposedName: name, sources: [existing, source] });
    promptSources.set(name, source);
    const listed = { ...prompt, name, ...(entry?.description ? { description: entry.description } : {}) };
    table.prompts.set(name, { upstreamId: upstream.id, upstreamName: upstream.name, name: prompt.name, prompt: listed });
  };
  const addTemplate = (upstream: UpstreamView, template: McpResourceTemplate) => {
    const uriTemplate = exposedUri(resourceUris, upstream.name, template.uriTemplate);
    const existing = table.templates.find((t) => t.template.uriTemplate === uriTemplate);
    if (existing) {
      if (existing.upstreamId !== upstream.id) {
        table.conflicts.push({ kind: 'resource template', exposedName: uriTemplate, sources: [`${existing.upstreamName}:${existing.uriTemplate}`, `${upstream.name}:${template.uriTemplate}`] });
      }
      return;
    }
    const listed = uriTemplate === template.uriTemplate ? template : { ...template, uriTemplate };
    table.templates.push({ upstreamId: upstream.id, upstreamName: upstream.name, uriTemplate: template.uriTemplate, template: listed, matcher: templateMatcher(uriTemplate) });
  };
  const addResource = (upstream: UpstreamView, resource: McpResource, entry?: VirtualServerEntrySpec) => {
    const uri = exposedUri(resourceUris, upstream.name, resource.uri);
    const existing = table.resources.get(uri);
    if (existing) {
      if (existing.upstreamId !== upstream.id) {
        table.conflicts.push({ kind: 'resource', exposedName: uri, sources: [`${existing.upstreamName}:${existing.uri}`, `${upstream.name}:${resource.uri}`] });
      }
      return;
    }
    const listed = uri === resource.uri && !entry?.description ? resource : { ...resource, uri, ...(entry?.description ? { description: entry.description } : {}) };
    table.resources.set(uri, { upstreamId: upstream.id, upstreamName: upstream.name, uri: resource.uri, resource: listed });
  };

  // Single entries first, so their renames take precedence.
  for (const entry of server.entries) {
    const upstream = upstreams.get(entry.upstreamId);
    if (!upstream || entry.kind === 'upstream') continue;
    if (entry.kind === 'tool') {
      const tool = upstream.catalog.tools.find((t) => t.name === entry.name);
      if (tool) addTool(upstream, tool, entry);
    } else if (entry.kind === 'prompt') {
      const prompt = upstream.catalog.prompts.find((p) => p.name === entry.name);
      if (prompt) addPrompt(upstream, prompt, entry);
    } else {
      const resource = upstream.catalog.resources.find((r) => r.uri === entry.name);
      if (resource) addResource(upstream, resource, entry);
      const template = upstream.catalog.resourceTemplates.find((t) => t.uriTemplate === entry.name);
      if (template) addTemplate(upstream, template);
    }
  }
  for (const entry of server.entries) {
    const upstream = upstreams.get(entry.upstreamId);
    if (!upstream || entry.kind !== 'upstream') continue;
    for (const tool of upstream.catalog.tools) if (!singles.has(`${upstream.id}/tool/${tool.name}`)) addTool(upstream, tool);
    for (const prompt of upstream.catalog.prompts) if (!singles.has(`${upstream.id}/prompt/${prompt.name}`)) addPrompt(upstream, prompt);
    for (const resource of upstream.catalog.resources) addResource(upstream, resource);
    for (const template of upstream.catalog.resourceTemplates) addTemplate(upstream, template);
  }
  return table;
}

/**
 * Which upstream serves an exposed URI, and the URI it knows: a listed resource, else the
 * first template that matches.
 */
export function routeResource(table: RoutingTable, uri: string): { upstreamId: string; upstreamName: string; uri: string } | undefined {
  const listed = table.resources.get(uri);
  if (listed) return listed;
  const template = table.templates.find((t) => t.matcher.test(uri));
  const own = template && upstreamUri(table.resourceUris, template.upstreamName, uri);
  return own === undefined ? undefined : { upstreamId: template!.upstreamId, upstreamName: template!.upstreamName, uri: own };
}

/** The URI a client of this table knows for `upstreamName`'s own `uri` (e.g. in resources/updated). */
export function clientResourceUri(table: RoutingTable, upstreamName: string, uri: string): string {
  return exposedUri(table.resourceUris, upstreamName, uri);
}
