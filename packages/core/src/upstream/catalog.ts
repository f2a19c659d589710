/**
 * Listing an upstream's tools, resources, resource templates and prompts into a
 * {@link Catalog}: every page, only for the capabilities the server declares.
 */
import type { Logger } from './logger.ts';
import { type Catalog, UpstreamError } from './types.ts';

export type RawRequest = (method: string, params: Record<string, unknown> | undefined) => Promise<Record<string, unknown>>;

export interface ServerIdentity {
  capabilities: Record<string, unknown>;
  serverInfo: Catalog['serverInfo'];
  instructions: string | null;
}

/** A guard against servers whose `nextCursor` never ends (the SDK's own cap is 64). */
const MAX_PAGES = 1000;

export function emptyCatalog(): Catalog {
  return {
    tools: [],
    resources: [],
    resourceTemplates: [],
    prompts: [],
    capabilities: {},
    serverInfo: null,
    instructions: null,
  };
}

export async function fetchCatalog(request: RawRequest, server: ServerIdentity, logger: Logger): Promise<Catalog> {
  const has = (capability: string) => server.capabilities[capability] != null;
  const list = async <T>(capability: string, method: string, key: string): Promise<T[]> => {
    if (!has(capability)) return [];
    try {
      return await listAll<T>(request, method, key);
    } catch (error) {
      // A JSON-RPC error for one list (e.g. a server declaring `resources` without
      // implementing `resources/templates/list`) costs that list only; timeouts and
      // transport failures are the connection's problem and propagate.
      if (error instanceof UpstreamError && error.code === 'upstream_error' && error.rpcCode !== -32022) {
        logger.warn({ method, rpcCode: error.rpcCode, err: error.message }, 'upstream list failed; treating it as empty');
        return [];
      }
      throw error;
    }
  };
  // sequential on purpose: some stdio servers handle one request at a time anyway,
  // and a failure stops early instead of leaving siblings in flight
  const tools = await list<Catalog['tools'][number]>('tools', 'tools/list', 'tools');
  const resources = await list<Catalog['resources'][number]>('resources', 'resources/list', 'resources');
  const resourceTemplates = await list<Catalog['resourceTemplates'][number]>(
    'resources',
    'resources/templates/list',
    'resourceTemplates',
  );
  const prompts = await list<Catalog['prompts'][number]>('prompts', 'prompts/list', 'prompts');
  return { tools, resources, resourceTemplates, prompts, ...server };
}

async function listAll<T>(request: RawRequest, method: string, key: string): Promise<T[]> {
  const items: T[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const result = await request(method, cursor === undefined ? undefined : { cursor });
    const batch = result[key];
    if (Array.isArray(batch)) items.push(...(batch as T[]));
    const next = result.nextCursor;
    if (typeof next !== 'string' || next === '' || seen.has(next)) return items;
    seen.add(next);
    cursor = next;
  }
  return items;
}

/** Whether two catalogs differ in anything a downstream client could notice. */
export function sameCatalog(a: Catalog, b: Catalog): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
