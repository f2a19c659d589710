import type { AccessUpstream } from '@switchboard/core/contracts/access';
import type { UpstreamConnection } from '@switchboard/core/upstream/connection';
import type { Catalog, UpstreamSpec } from '@switchboard/core/upstream/types';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
const hasItems = (c: Catalog | undefined) => !!c && c.tools.length + c.resources.length + c.resourceTemplates.length + c.prompts.length > 0;

export interface ListingSources {
  upstream(id: string): UpstreamSpec | undefined;
  connection(id: string): UpstreamConnection | undefined;
  /** What the upstream listed when last connected (any replica). */
  stored(id: string): Catalog | undefined;
  /** The longest to wait for the upstreams still connecting. */
  waitMs: number;
}

/**
 * Connects the upstreams that are not connected (connect-on-use is the default), waiting at
 * most `waitMs`, and says how each one's items are known: live, from the stored catalog,
 * still connecting, or unknown — so a preview marks what it could not list instead of
 * leaving it out.
 */
export async function listUpstreams(ids: Iterable<string>, sources: ListingSources): Promise<AccessUpstream[]> {
  const listed = await Promise.all(
    [...new Set(ids)].map(async (id): Promise<AccessUpstream | undefined> => {
      const spec = sources.upstream(id);
      const connection = sources.connection(id);
      if (!spec || !connection) return undefined;
      if (!spec.enabled) return { name: spec.name, state: 'disabled', detail: null };
      if (!connection.connected) await Promise.race([connection.ensureConnected().catch(() => {}), sleep(sources.waitMs)]);
      if (connection.connected) return { name: spec.name, state: 'live', detail: null };
      const status = connection.status();
      if (hasItems(sources.stored(id))) return { name: spec.name, state: 'stored', detail: status.lastError };
      // (a first start, e.g. `npx` fetching a package, can outlast the wait: the caller asks again)
      if (status.state === 'starting') return { name: spec.name, state: 'connecting', detail: null };
      return { name: spec.name, state: 'unknown', detail: status.lastError ?? status.state };
    }),
  );
  return listed.filter((u) => u !== undefined).sort((a, b) => a.name.localeCompare(b.name));
}
