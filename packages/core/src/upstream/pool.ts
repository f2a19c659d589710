/**
 * All upstream connections of the gateway, keyed by upstream id. Config changes arrive as
 * whole specs (`upsert`); an unchanged spec keeps its live connection, a changed one gets a
 * fresh connection while the old one finishes what it is doing.
 */
import { UpstreamConnection, type UpstreamConnectionOptions } from './connection.ts';
import { noopLogger } from './logger.ts';
import { specHash } from './spec-hash.ts';
import type { Catalog, UpstreamSpec, UpstreamStatus } from './types.ts';

/** Connection options shared by every upstream, plus the pool's own. */
export interface UpstreamPoolOptions
  extends Omit<UpstreamConnectionOptions, 'onCatalogChanged' | 'onNotification' | 'onStatus' | 'dedicated'> {
  /** How long a replaced or removed connection may keep serving its in-flight requests. Default 30 s. */
  drainGraceMs?: number;
  onCatalogChanged?(upstreamId: string, catalog: Catalog): void;
  onNotification?(upstreamId: string, method: string, params: Record<string, unknown> | undefined): void;
  onStatus?(upstreamId: string, status: UpstreamStatus): void;
}

interface Entry {
  hash: string;
  connection: UpstreamConnection;
}

export class UpstreamPool {
  private readonly entries = new Map<string, Entry>();
  private readonly retiring = new Set<Promise<void>>();
  private started = false;

  constructor(private readonly options: UpstreamPoolOptions = {}) {}

  /** Adds or replaces an upstream; returns the connection now serving it. */
  upsert(spec: UpstreamSpec): UpstreamConnection {
    const hash = specHash(spec);
    const existing = this.entries.get(spec.id);
    if (existing?.hash === hash) return existing.connection;
    // a replaced connection that was in use should not fall back to lazy and lose its catalog
    const wasActive = existing !== undefined && existing.connection.status().state !== 'idle';
    const connection = this.createConnection(spec);
    this.entries.set(spec.id, { hash, connection });
    if (existing) {
      (this.options.logger ?? noopLogger).info({ upstream: spec.id }, 'upstream spec changed; replacing connection');
      this.retire(existing.connection);
    }
    if (spec.enabled && ((this.started && spec.connectAtBoot) || wasActive)) void connection.start();
    return connection;
  }

  /** Removes an upstream at once; resolves when its in-flight requests settled (or the grace ran out). */
  async remove(id: string): Promise<void> {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    await this.retire(entry.connection);
  }

  /** A fresh connection for the same spec, connected now; the old one drains its calls. */
  async restart(id: string): Promise<UpstreamConnection | undefined> {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    const connection = this.createConnection(entry.connection.spec);
    this.entries.set(id, { hash: entry.hash, connection });
    void this.retire(entry.connection);
    await connection.start();
    return connection;
  }

  /** A downstream session ended: every dedicated connection it had (one per upstream) stops. */
  releaseSession(key: string): void {
    for (const { connection } of this.entries.values()) void connection.releaseSession(key);
  }

  /** A person's credential for one upstream changed or went: the connection made with it stops. */
  releaseCredential(upstreamId: string, key: string): Promise<void> {
    return this.entries.get(upstreamId)?.connection.releaseCredential(key) ?? Promise.resolve();
  }

  get(id: string): UpstreamConnection | undefined {
    return this.entries.get(id)?.connection;
  }

  statuses(): Map<string, UpstreamStatus> {
    return new Map([...this.entries].map(([id, entry]) => [id, entry.connection.status()]));
  }

  /** Connects the `connectAtBoot` upstreams (in parallel); the others stay lazy. */
  async startAll(): Promise<void> {
    this.started = true;
    const boot = [...this.entries.values()].filter(({ connection }) => connection.spec.connectAtBoot);
    await Promise.all(boot.map(({ connection }) => connection.start()));
  }

  /** Stops everything; connections already being replaced still get their drain grace. */
  async stopAll(): Promise<void> {
    this.started = false;
    const connections = [...this.entries.values()].map(({ connection }) => connection);
    this.entries.clear();
    await Promise.all([...connections.map((connection) => connection.stop()), ...this.retiring]);
  }

  private retire(connection: UpstreamConnection): Promise<void> {
    const stopping = connection.stop(this.options.drainGraceMs ?? 30_000).finally(() => this.retiring.delete(stopping));
    this.retiring.add(stopping);
    return stopping;
  }

  private createConnection(spec: UpstreamSpec): UpstreamConnection {
    const { onCatalogChanged, onNotification, onStatus, drainGraceMs: _, ...shared } = this.options;
    // events of a replaced connection are dropped: only the current one speaks for the id
    const isCurrent = () => this.entries.get(spec.id)?.connection === connection;
    const options: UpstreamConnectionOptions = {
      ...shared,
      onCatalogChanged: (catalog) => isCurrent() && onCatalogChanged?.(spec.id, catalog),
      onNotification: (method, params) => isCurrent() && onNotification?.(spec.id, method, params),
      onStatus: (status) => isCurrent() && onStatus?.(spec.id, status),
    };
    const connection = new UpstreamConnection(spec, options);
    return connection;
  }
}
