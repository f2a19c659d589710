import type { UpstreamConnection } from '@switchboard/core/upstream/connection';
import type { UpstreamPool } from '@switchboard/core/upstream/pool';
import type { Catalog } from '@switchboard/core/upstream/types';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
const isEmptyCatalog = (c: Catalog) => c.tools.length + c.resources.length + c.resourceTemplates.length + c.prompts.length === 0;

/** The longest any request waits for upstreams of its virtual server to connect (see prepare). */
const CONNECT_WAIT_MS = 5_000;

/**
 * What the routing of virtual servers sees of upstreams that are not connected (yet) on
 * this replica, and how long a request waits for them: the catalogs each upstream last
 * listed (stored by any replica), and bounded waits for first connections.
 */
export class UpstreamReadiness {
  /** What each upstream listed when last connected (any replica), for while it is not connected here. */
  private stored = new Map<string, Catalog>();

  constructor(
    private readonly pool: UpstreamPool,
    /** How long a request waits, at most, for an upstream connecting for the first time. */
    readonly connectWaitMs = CONNECT_WAIT_MS,
  ) {}

  /** The stored catalogs, as loaded at a configuration (re)load. */
  setStored(catalogs: Map<string, Catalog>): void {
    this.stored = catalogs;
  }

  /** An upstream listed a new catalog (here). */
  remember(upstreamId: string, catalog: Catalog): void {
    this.stored.set(upstreamId, catalog);
  }

  storedCatalog(upstreamId: string): Catalog | undefined {
    return this.stored.get(upstreamId);
  }

  /**
   * The live catalog once the connection has listed one; until then (a gateway just
   * started, an upstream still connecting or failing) the one last stored, so its tools
   * stay listed and their calls fail fast and clearly rather than vanish.
   */
  catalogOf(upstreamId: string, connection: UpstreamConnection): Catalog {
    const live = connection.catalog();
    if (connection.connected || !isEmptyCatalog(live)) return live;
    return this.stored.get(upstreamId) ?? live;
  }

  /**
   * Runs before every request of a virtual server (its entries' upstreams): starts its lazy
   * upstreams, and waits for them only where waiting buys something and only briefly. An
   * upstream whose tools are known (live or stored) is never waited on; one that failed
   * since it last served (its circuit is open) neither; one connecting for the first time
   * with nothing known is waited on until `connectWaitMs` after its attempt began, so a hung
   * handshake costs the other upstreams' requests at most that, once (issue 20, #3: it was
   * 38-40 s per request). Resolves true when it waited (the routing should be rebuilt);
   * whatever connects later re-routes by itself (the pool's onCatalogChanged).
   */
  prepare(entries: ReadonlyArray<{ upstreamId: string }>): Promise<boolean> | undefined {
    // runs before every call: the common case (all connected) allocates nothing, not even a promise
    if (
      entries.every((e) => {
        const connection = this.pool.get(e.upstreamId);
        return !connection || connection.connected;
      })
    ) {
      return undefined;
    }
    return this.waitFor(entries);
  }

  private async waitFor(entries: ReadonlyArray<{ upstreamId: string }>): Promise<boolean> {
    const waits: Promise<unknown>[] = [];
    for (const id of new Set(entries.map((e) => e.upstreamId))) {
      const connection = this.pool.get(id);
      if (!connection || connection.connected) continue;
      const attempt = connection.ensureConnected().catch(() => {});
      if (connection.failing || !isEmptyCatalog(this.catalogOf(id, connection))) continue;
      const status = connection.status();
      const left = status.state === 'starting' ? Date.parse(status.since) + this.connectWaitMs - Date.now() : 0;
      if (left > 0) waits.push(Promise.race([attempt, sleep(left)]));
    }
    if (waits.length === 0) return false;
    await Promise.all(waits);
    return true;
  }
}
