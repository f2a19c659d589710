import type { SafeFetchOptions } from '@switchboard/auth/oauth/safe-fetch';
import type { DatabaseHandle } from '@switchboard/db/client';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { OAuthEventSink } from '../metrics/gateway-metrics.ts';
import type { ServiceContext } from '../services/context.ts';
import { BearerVerifier } from './bearer.ts';
import type { OAuthContext } from './context.ts';
import { externalIssuerVerifier } from './external-issuer.ts';
import { RevocationLedger } from './revocations.ts';
import { SigningKeyStore } from './signing-keys.ts';

/** The authorization server and resource-server pieces the process holds. */
export interface OAuthRuntime {
  context: OAuthContext;
  verifier: BearerVerifier;
  stop(): void;
}

export interface OAuthSetupOptions {
  /** Tests fetch CIMD documents from a local https server; production never sets this. */
  cimdFetch?: SafeFetchOptions;
  /** A login created or changed people (OIDC first login, role mapping): the live access state reloads. */
  onUsersChanged?: () => void;
  /** Revocations of this process (started by the caller, who stops it); absent: one of its own. */
  revocations?: RevocationLedger;
  /** The in-memory view of a person (disabled or deleted: their tokens stop working). */
  knownUser?: (userId: string) => { disabled: boolean } | undefined;
  /** Counts registrations, logins and token grants (the metrics); absent: not counted. */
  events?: OAuthEventSink;
}

export async function createOAuth(
  ctx: ServiceContext,
  config: Config,
  logger: Logger,
  database: Pick<DatabaseHandle, 'withAdvisoryLock' | 'listen'>,
  options: OAuthSetupOptions = {},
): Promise<OAuthRuntime> {
  const keys = new SigningKeyStore(ctx, {
    algorithm: config.oauth.signingAlgorithm,
    accessTokenTtlSeconds: config.oauth.accessTokenTtlSeconds,
    logger,
    withLock: (key, fn) => database.withAdvisoryLock(key, fn),
  });
  await keys.start();
  const context: OAuthContext = {
    ctx,
    keys,
    config: config.oauth,
    issuer: ctx.publicUrl,
    clientLookup: { cimdFetch: options.cimdFetch },
    logger: logger.child({ component: 'oauth' }),
    onUsersChanged: options.onUsersChanged,
    events: options.events,
  };
  // The process's ledger (deps.ts puts it in the services' context); a runtime made without
  // one (a test playing a second replica) loads and follows its own.
  const revocations = options.revocations ?? new RevocationLedger({ db: ctx.db, accessTokenTtlSeconds: config.oauth.accessTokenTtlSeconds, logger: context.logger });
  if (!options.revocations) await revocations.start(database);
  const external = config.oauth.externalIssuer
    ? await externalIssuerVerifier(ctx, config.oauth.externalIssuer, () => context.onUsersChanged?.())
    : undefined;
  return {
    context,
    verifier: new BearerVerifier(context, revocations.view, external, options.knownUser),
    stop: () => {
      keys.stop();
      if (!options.revocations) void revocations.stop();
    },
  };
}
