import type { identityProviders } from '@switchboard/db/schema';
import * as oidc from 'openid-client';
import type { ServiceContext } from '../services/context.ts';

export type ProviderRow = typeof identityProviders.$inferSelect;

/** Exported so the admin API refuses, at save time, the issuers discovery would refuse at login. */
export const LOOPBACK_ISSUER = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/|$)/;

/**
 * openid-client configurations per provider, from discovery, cached until the provider row
 * changes. Plain-http issuers are allowed only on loopback (local development and tests).
 */
export class ProviderClients {
  private cache = new Map<string, { version: number; config: Promise<oidc.Configuration> }>();

  constructor(private readonly ctx: ServiceContext) {}

  configuration(provider: ProviderRow): Promise<oidc.Configuration> {
    const version = provider.updatedAt.getTime();
    const cached = this.cache.get(provider.id);
    if (cached && cached.version === version) return cached.config;
    const config = this.discover(provider);
    // A failed discovery is retried on the next login rather than cached.
    config.catch(() => this.cache.delete(provider.id));
    this.cache.set(provider.id, { version, config });
    return config;
  }

  private discover(provider: ProviderRow): Promise<oidc.Configuration> {
    const secret = provider.clientSecret ? this.ctx.secrets.decrypt(provider.clientSecret) : undefined;
    const auth = secret ? oidc.ClientSecretBasic(secret) : oidc.None();
    const insecure = provider.issuer.startsWith('http://');
    if (insecure && !LOOPBACK_ISSUER.test(provider.issuer)) {
      return Promise.reject(new Error(`identity provider ${provider.slug}: issuer must be https`));
    }
    return oidc.discovery(new URL(provider.issuer), provider.clientId, undefined, auth, {
      execute: insecure ? [oidc.allowInsecureRequests] : [],
      timeout: 10,
    });
  }
}
