import type { Logger } from 'pino';
import type { OAuthConfig } from '../config.ts';
import type { OAuthEventSink } from '../metrics/gateway-metrics.ts';
import type { ServiceContext } from '../services/context.ts';
import type { ClientLookupOptions } from './clients.ts';
import type { SigningKeyStore } from './signing-keys.ts';

/** What the authorization server's routes and services share; built once in deps.ts. */
export interface OAuthContext {
  ctx: ServiceContext;
  keys: SigningKeyStore;
  config: OAuthConfig;
  /** Our issuer identifier: the public URL (RFC 8414 §2: https, no query or fragment). */
  issuer: string;
  clientLookup: ClientLookupOptions;
  logger: Logger;
  /** Called after a login created or changed a user or their roles (policies must see it). */
  onUsersChanged?: () => void;
  /** Counts registrations, logins and token grants (metrics); absent: not counted. */
  events?: OAuthEventSink;
}
