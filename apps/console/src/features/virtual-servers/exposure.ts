/**
 * A preview of what a virtual server will expose, computed in the browser from the
 * upstreams' catalogs — the same rules the gateway applies when it saves (there a clash
 * is a 409): single entries first (their renames win), then whole upstreams; names are
 * `{upstream}__{tool}` with prefix "always", the tool's own name with "never".
 */
export interface DraftEntry {
  upstreamId: string;
  kind: 'upstream' | 'tool';
  /** The upstream's name of the tool; null for a whole upstream. */
  name: string | null;
  exposedName: string;
  description: string;
}

export interface CatalogSummary {
  upstreamName: string;
  tools: Array<{ name: string; description?: string }>;
}

export interface ExposedTool {
  exposedName: string;
  source: string;
  upstreamId: string;
  description?: string;
}

export interface Exposure {
  tools: ExposedTool[];
  conflicts: Array<{ exposedName: string; sources: [string, string] }>;
  invalid: Array<{ exposedName: string; source: string; problem: string }>;
  /** Upstreams whose catalog is unknown (never listed): their tools cannot be previewed. */
  unlisted: string[];
}

const NAME_RULE = /^[A-Za-z0-9_.-]+$/;
const MAX = 64;

export function nameProblem(name: string): string | undefined {
  if (!name) return 'is empty';
  if (name.length > MAX) return `is ${name.length} characters; clients accept at most ${MAX}`;
  if (!NAME_RULE.test(name)) return 'may contain only letters, digits, "_", "-" and "."';
  return undefined;
}

export const defaultExposedName = (upstream: string, tool: string, prefix: 'always' | 'never') =>
  prefix === 'always' ? `${upstream}__${tool}` : tool;

export function previewExposure(entries: DraftEntry[], prefix: 'always' | 'never', catalogs: Map<string, CatalogSummary | null>): Exposure {
  const out: Exposure = { tools: [], conflicts: [], invalid: [], unlisted: [] };
  const seen = new Map<string, string>();
  const singles = new Set(entries.filter((e) => e.kind === 'tool').map((e) => `${e.upstreamId}/${e.name}`));
  const add = (upstreamId: string, upstream: string, tool: { name: string; description?: string }, entry?: DraftEntry) => {
    const exposedName = entry?.exposedName.trim() || defaultExposedName(upstream, tool.name, prefix);
    const source = `${upstream}:${tool.name}`;
    const problem = nameProblem(exposedName);
    if (problem) return void out.invalid.push({ exposedName, source, problem });
    const existing = seen.get(exposedName);
    if (existing) return void out.conflicts.push({ exposedName, sources: [existing, source] });
    seen.set(exposedName, source);
    out.tools.push({ exposedName, source, upstreamId, description: entry?.description.trim() || tool.description });
  };
  for (const entry of entries) {
    if (entry.kind !== 'tool') continue;
    const catalog = catalogs.get(entry.upstreamId);
    const tool = catalog?.tools.find((t) => t.name === entry.name);
    if (catalog && tool) add(entry.upstreamId, catalog.upstreamName, tool, entry);
  }
  for (const entry of entries) {
    if (entry.kind !== 'upstream') continue;
    const catalog = catalogs.get(entry.upstreamId);
    if (!catalog) {
      out.unlisted.push(entry.upstreamId);
      continue;
    }
    for (const tool of catalog.tools) if (!singles.has(`${entry.upstreamId}/${tool.name}`)) add(entry.upstreamId, catalog.upstreamName, tool);
  }
  return out;
}
