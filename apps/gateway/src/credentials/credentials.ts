import { personalSpec } from '@switchboard/core/upstream/personal-spec';
import type { UpstreamSpec } from '@switchboard/core/upstream/types';
import type { Database } from '@switchboard/db/client';
import { roles, userRoles } from '@switchboard/db/schema';
import { eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Principal } from '../mcp/principal.ts';
import type { StoredConnection, UserConnectionStore } from './connection-store.ts';
import {
  type CatalogCredential,
  CredentialRequired,
  type CredentialProvider,
  type CredentialSubject,
  type CredentialUpstream,
  type ResolvedCredential,
} from './types.ts';

export interface CredentialsOptions {
  /** The gateway's external base URL: connect links are under it. */
  publicUrl: string;
  store: UserConnectionStore;
  logger: Logger;
}

/** A provider may also list the catalog with the first connected person's credential (see catalogSpec). */
export type CatalogFromConnection = (upstream: CredentialUpstream, connection: StoredConnection) => CatalogCredential | undefined;

/**
 * The gateway's credential modes: the providers (one per mode, registered in deps.ts), the
 * upstreams whose credentials are per person (from the last configuration load), and the
 * people's role names (for assertions). In memory; `apply` runs at every configuration load.
 */
export class Credentials {
  private readonly providers = new Map<string, CredentialProvider & { catalogFromConnection?: CatalogFromConnection }>();
  private upstreams = new Map<string, CredentialUpstream>();
  private roleNames = new Map<string, string[]>();

  constructor(readonly options: CredentialsOptions) {}

  get store(): UserConnectionStore {
    return this.options.store;
  }

  /** Adds (or replaces) the provider of one mode. */
  register(provider: CredentialProvider & { catalogFromConnection?: CatalogFromConnection }): void {
    this.providers.set(provider.mode, provider);
  }

  provider(mode: string): CredentialProvider | undefined {
    return this.providers.get(mode);
  }

  /** The upstream when its credentials are per person; undefined for a shared one. */
  upstream(id: string): CredentialUpstream | undefined {
    return this.upstreams.get(id);
  }

  all(): CredentialUpstream[] {
    return [...this.upstreams.values()];
  }

  /** Where a person connects their credential for the upstream (a console page). */
  connectUrl(upstreamName: string): string {
    return `${this.options.publicUrl}/connections/${encodeURIComponent(upstreamName)}`;
  }

  /** The person behind a principal; undefined for a caller who is nobody (auth `none`, a token bound to no one). */
  subjectOf(principal: Principal, email: string | null): CredentialSubject | undefined {
    if (!principal.userId) return undefined;
    return { userId: principal.userId, email, roles: this.roleNames.get(principal.userId) ?? [], principal };
  }

  /** The person's credential for a per-person upstream; `CredentialRequired` carries the connect link. */
  async resolve(upstream: CredentialUpstream, subject: CredentialSubject): Promise<ResolvedCredential> {
    const provider = this.providers.get(upstream.mode);
    if (!provider) throw new Error(`no credential provider for mode "${upstream.mode}"`);
    try {
      return await provider.resolve(upstream, subject);
    } catch (error) {
      if (error instanceof CredentialRequired && !error.connectUrl) error.connectUrl = this.connectUrl(upstream.name);
      throw error;
    }
  }

  /**
   * A configuration load: remembers the per-person upstreams and role names, forgets cached
   * connections (they may have changed unseen), and returns the pool's specs with each
   * per-person upstream's catalog credential laid in (or marked as awaiting one).
   */
  async apply(db: Database, specs: UpstreamSpec[], upstreams: CredentialUpstream[]): Promise<UpstreamSpec[]> {
    this.upstreams = new Map(upstreams.map((u) => [u.id, u]));
    const memberships = await db.select({ userId: userRoles.userId, name: roles.name }).from(userRoles).innerJoin(roles, eq(roles.id, userRoles.roleId));
    const names = new Map<string, string[]>();
    for (const { userId, name } of memberships) names.set(userId, [...(names.get(userId) ?? []), name]);
    this.roleNames = names;
    this.options.store.clear();
    return Promise.all(specs.map((spec) => this.catalogSpec(spec)));
  }

  /** The shared connection's spec of a per-person upstream: listed with a service credential, else the first connected person's. */
  private async catalogSpec(spec: UpstreamSpec): Promise<UpstreamSpec> {
    const upstream = this.upstreams.get(spec.id);
    if (!upstream) return spec;
    const provider = this.providers.get(upstream.mode);
    try {
      let credential = await provider?.catalogCredential?.(upstream);
      if (!credential && provider?.catalogFromConnection) {
        const first = await this.options.store.firstConnected(upstream.id);
        credential = first && provider.catalogFromConnection(upstream, first);
      }
      if (credential) return { ...personalSpec(spec, { key: '', version: '', ...credential }), perPerson: true };
    } catch (err) {
      this.options.logger.warn({ upstream: spec.name, err: { message: (err as Error).message } }, 'could not make the credential to list an upstream with');
    }
    return { ...spec, awaitingCredential: true, perPerson: true };
  }
}
