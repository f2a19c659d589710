import type { Catalog, McpPrompt, McpResource, McpResourceTemplate, McpTool } from '../upstream/types.ts';
import { exposedName, exposedNameProblem, type PrefixMode } from './naming.ts';

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
  resource: McpResource;
}

export interface TemplateRoute {
  upstreamId: string;
  upstreamName: string;
  template: McpResourceTemplate;
  matcher: RegExp;
}

/** Two sources that would be exposed under one name. */
export interface NameConflict {
  kind: 'tool' | 'prompt';
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
  const table: RoutingTable = { tools: new Map(), prompts: new Map(), resources: new Map(), templates: [], conflicts: [], invalid: [] };
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
    if (table.templates.some((t) => t.upstreamId === upstream.id && t.template.uriTemplate === template.uriTemplate)) return;
    table.templates.push({ upstreamId: upstream.id, upstreamName: upstream.name, template, matcher: templateMatcher(template.uriTemplate) });
  };
  const addResource = (upstream: UpstreamView, resource: McpResource, entry?: VirtualServerEntrySpec) => {
    if (table.resources.has(resource.uri)) return; // URIs are global; the first upstream to list one serves it
    const listed = entry?.description ? { ...resource, description: entry.description } : resource;
    table.resources.set(resource.uri, { upstreamId: upstream.id, upstreamName: upstream.name, resource: listed });
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

/** Which upstream serves a URI: a listed resource, else the first template that matches. */
export function routeResource(table: RoutingTable, uri: string): { upstreamId: string; upstreamName: string } | undefined {
  const listed = table.resources.get(uri);
  if (listed) return listed;
  return table.templates.find((t) => t.matcher.test(uri));
}
