/**
 * Dedicated upstream connections, one per downstream session, for upstreams whose requests
 * to the client cannot be tied to the call that caused them (2025-era on stdio or legacy
 * SSE: no per-call stream). On the shared connection such a request reaches a client only
 * when its call is the one in flight; a session with a connection of its own gets all of
 * them, however many calls are in flight elsewhere. Each costs a session (on stdio, a
 * process), so they are capped per upstream and stopped when unused.
 */
import type { Logger } from './logger.ts';
import { INPUT_REQUIRED_METHODS } from './relay-factory.ts';
import type { ForwardOptions, UpstreamSpec } from './types.ts';

/**
 * Whether `method` may make the upstream ask this request's client something it cannot tie
 * to the request: a 2025-era upstream on stdio or legacy SSE (Streamable HTTP ones ask on
 * the call's own stream, 2026-07-28 ones answer `input_required` instead).
 */
export function asksUnattributed(spec: UpstreamSpec, era: string | undefined, method: string, options: ForwardOptions): boolean {
  return options.onServerRequest !== undefined && INPUT_REQUIRED_METHODS.has(method) && spec.transport !== 'streamable-http' && era !== 'modern';
}

/** What this needs of a dedicated connection (an UpstreamConnection in `dedicated` mode). */
export interface DedicatedConnection {
  request(method: string, params: Record<string, unknown> | undefined, options: ForwardOptions): Promise<Record<string, unknown>>;
  stop(graceMs?: number): Promise<void>;
}

export interface IsolatedConnectionsOptions {
  upstreamId: string;
  /** At most this many at once; beyond it `request` answers undefined (the caller decides). 0 disables. */
  max: number;
  /** A connection without calls for this long is stopped. */
  idleMs: number;
  logger: Logger;
  /** A new connection, not yet connected; it calls `onLost` when it fails (crash, failed connect). */
  create(onLost: () => void): DedicatedConnection;
  /** What the "cap reached" warning says (default: the isolated-session one). */
  capWarning?: string;
}

interface Entry {
  connection: DedicatedConnection;
  /** What the connection was made with (see `Variant`): another version replaces it. */
  version: string;
  calls: number;
  idleTimer?: NodeJS.Timeout;
}

/**
 * A connection made differently per key (a person's own credentials): `create` replaces
 * the options' one, and an existing connection of another `version` is replaced (it
 * finishes its calls first).
 */
export interface Variant {
  version: string;
  create(onLost: () => void): DedicatedConnection;
}

/** How long a replaced connection may finish its calls. */
const REPLACED_GRACE_MS = 30_000;

const CAP_WARNING =
  'isolated session cap reached: further sessions share the connection, where requests to the client are declined unless one call is in flight (SWITCHBOARD_MAX_ISOLATED_SESSIONS)';

/** How often at most the "cap reached" warning is logged per upstream. */
const WARN_EVERY_MS = 60_000;

export class IsolatedConnections {
  private readonly entries = new Map<string, Entry>();
  private stopped = false;
  private warnedAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: IsolatedConnectionsOptions) {}

  get size(): number {
    return this.entries.size;
  }

  /**
   * Sends on `key`'s own connection (made now if it has none). Undefined when it may not
   * have one (cap reached, stopped): the caller sends on the shared connection instead.
   */
  request(
    key: string,
    method: string,
    params: Record<string, unknown> | undefined,
    options: ForwardOptions,
    variant?: Variant,
  ): Promise<Record<string, unknown>> | undefined {
    const entry = this.entryFor(key, variant);
    if (!entry) return undefined;
    entry.calls += 1;
    clearTimeout(entry.idleTimer);
    entry.idleTimer = undefined;
    return entry.connection.request(method, params, options).finally(() => {
      entry.calls -= 1;
      if (entry.calls === 0 && this.entries.get(key) === entry) {
        entry.idleTimer = setTimeout(() => this.release(key), this.options.idleMs);
        entry.idleTimer.unref();
      }
    });
  }

  /** The session is gone (or idle): its connection stops now, failing whatever it still runs. */
  release(key: string): Promise<void> {
    const entry = this.entries.get(key);
    if (!entry) return Promise.resolve();
    this.entries.delete(key);
    clearTimeout(entry.idleTimer);
    return entry.connection.stop();
  }

  /** The shared connection stops: so do these, after `graceMs` for their calls; no new ones. */
  async stopAll(graceMs = 0): Promise<void> {
    this.stopped = true;
    const entries = [...this.entries.values()];
    this.entries.clear();
    for (const entry of entries) clearTimeout(entry.idleTimer);
    await Promise.all(entries.map((entry) => entry.connection.stop(graceMs)));
  }

  private entryFor(key: string, variant?: Variant): Entry | undefined {
    const version = variant?.version ?? '';
    let existing = this.entries.get(key);
    if (existing && existing.version !== version) {
      // the credential changed: new calls go on a new connection, the old one drains
      this.entries.delete(key);
      clearTimeout(existing.idleTimer);
      void existing.connection.stop(REPLACED_GRACE_MS);
      existing = undefined;
    }
    if (existing || this.stopped || this.options.max <= 0) return existing;
    if (this.entries.size >= this.options.max) {
      this.warnCapReached();
      return undefined;
    }
    // a crashed connection is dropped: the session's next call gets a fresh one
    const create = variant?.create ?? this.options.create;
    const entry: Entry = { calls: 0, version, connection: create(() => void this.drop(key, entry)) };
    this.entries.set(key, entry);
    return entry;
  }

  private drop(key: string, entry: Entry): Promise<void> {
    if (this.entries.get(key) !== entry) return Promise.resolve();
    return this.release(key);
  }

  private warnCapReached(): void {
    const now = Date.now();
    if (now - this.warnedAt < WARN_EVERY_MS) return;
    this.warnedAt = now;
    const { upstreamId, max, capWarning } = this.options;
    if (capWarning) this.options.logger.warn({ upstream: upstreamId, max }, capWarning);
    else this.options.logger.warn({ upstream: upstreamId, maxIsolatedSessions: max }, CAP_WARNING);
  }
}
