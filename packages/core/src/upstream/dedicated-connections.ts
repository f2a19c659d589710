/**
 * The connections of one upstream besides its shared one: a session's own (for upstreams
 * that ask clients things they cannot tie to a call, isolated-connections.ts) and a
 * person's own (calls that carry their credential, laid over the upstream's spec).
 */
import type { UpstreamConnectionOptions } from './connection-options.ts';
import { unavailable } from './errors.ts';
import { type DedicatedConnection, IsolatedConnections } from './isolated-connections.ts';
import type { Logger } from './logger.ts';
import { personalSpec } from './personal-spec.ts';
import type { ForwardOptions, UpstreamSpec } from './types.ts';

export interface DedicatedConnectionsOptions {
  spec: UpstreamSpec;
  options: UpstreamConnectionOptions;
  logger: Logger;
  /** A connection of the same upstream with `spec` (no nesting: it has no dedicated ones); it calls `onLost` when it fails. */
  create(onLost: () => void, spec: UpstreamSpec): DedicatedConnection;
}

export class DedicatedConnections {
  private readonly isolated: IsolatedConnections;
  private readonly personal: IsolatedConnections;

  constructor(private readonly deps: DedicatedConnectionsOptions) {
    const { spec, options, logger } = deps;
    this.isolated = new IsolatedConnections({
      upstreamId: spec.id,
      max: options.maxIsolatedSessions ?? 8,
      idleMs: options.isolatedIdleMs ?? 5 * 60_000,
      logger,
      create: (onLost) => deps.create(onLost, spec),
    });
    this.personal = new IsolatedConnections({
      upstreamId: spec.id,
      max: options.maxPersonalConnections ?? 64,
      idleMs: options.personalIdleMs ?? 10 * 60_000,
      logger,
      create: () => {
        throw new Error('a personal connection is made from its credential');
      },
      capWarning: 'personal connection cap reached: calls of people without one fail until one is idle (SWITCHBOARD_MAX_PERSONAL_CONNECTIONS)',
    });
  }

  get sessions(): number {
    return this.isolated.size;
  }

  get people(): number {
    return this.personal.size;
  }

  /** On the session's own connection; undefined when every one is taken (the shared connection serves it). */
  forSession(key: string, method: string, params: Record<string, unknown> | undefined, options: ForwardOptions) {
    return this.isolated.request(key, method, params, options);
  }

  /**
   * A call carrying the person's credential: on their own connection (the spec with their
   * headers/env laid over it), never on the shared one. When every person's connection is
   * taken the call fails clearly rather than borrow someone else's.
   */
  forPerson(method: string, params: Record<string, unknown> | undefined, options: ForwardOptions) {
    const { spec } = this.deps;
    const credential = options.credential!;
    const sent = this.personal.request(credential.key, method, params, { ...options, credential: undefined }, {
      version: credential.version,
      create: (onLost) => this.deps.create(onLost, personalSpec(spec, credential)),
    });
    if (!sent) throw unavailable(`upstream ${spec.name} has as many personal connections as it may (${this.personal.size}); try again shortly`);
    return sent;
  }

  /** A downstream session ended: its connection, if it has one, stops. */
  releaseSession(key: string): Promise<void> {
    return this.isolated.release(key);
  }

  /** A person's credential was withdrawn or changed: their connection stops now. */
  releaseCredential(key: string): Promise<void> {
    return this.personal.release(key);
  }

  stopAll(graceMs: number): Promise<unknown> {
    return Promise.all([this.isolated.stopAll(graceMs), this.personal.stopAll(graceMs)]);
  }
}
