import { mkdir } from 'node:fs/promises';
import type { SafeFetchOptions } from '@switchboard/auth/oauth/safe-fetch';
import { type DatabaseHandle, openDatabase } from '@switchboard/db/client';
import { migrateDatabase } from '@switchboard/db/migrate';
import type { Logger } from 'pino';
import packageJson from '../package.json' with { type: 'json' };
import { AuditWriter } from './audit/audit-writer.ts';
import { startAuditRetention } from './audit/retention.ts';
import type { Config } from './config.ts';
import { UserConnectionStore } from './credentials/connection-store.ts';
import { Credentials } from './credentials/credentials.ts';
import { identityAssertion } from './credentials/identity-assertion.ts';
import { perUserSecrets } from './credentials/per-user-secrets.ts';
import { FederationRegistry } from './federation/registry.ts';
import { startReplicaSync } from './federation/replica-sync.ts';
import { type Admit, createAdmission } from './mcp/admission.ts';
import { RevocationLedger } from './oauth/revocations.ts';
import { createOAuth, type OAuthRuntime, type OAuthSetupOptions } from './oauth/setup.ts';
import { BOOTSTRAP_LOCK_KEY, type BootstrapResult, bootstrapAdminToken } from './services/admin-bootstrap.ts';
import type { ServiceContext } from './services/context.ts';
import { assertKeysPresent, loadKeyRing } from './services/secret-keys.ts';
import { createUpstreamOAuth, type UpstreamOAuth } from './upstream-oauth/setup.ts';

/** Everything the process holds; the one composition root. */
export interface Deps {
  config: Config;
  logger: Logger;
  database: DatabaseHandle;
  ctx: ServiceContext;
  bootstrap: BootstrapResult;
  registry: FederationRegistry;
  /** The audit trail's queue; drained at shutdown after in-flight requests, before the pool closes. */
  audit: AuditWriter;
  auditRetention: { stop(): Promise<void> };
  /** Authorization server + bearer verification for OAuth-protected virtual servers. */
  oauth: OAuthRuntime;
  revocations: RevocationLedger;
  /** With Postgres: catches up on configuration changes whose notification this replica missed. */
  replicaSync?: { stop(): Promise<void> };
  /** Who may use an MCP endpoint: the one admission of every MCP request. */
  admit: Admit;
  /** Per-person upstream credentials: providers, the people's connections (user_connections). */
  credentials: Credentials;
  /** The gateway as an OAuth client of upstreams, for people (modes `oauth`, `token-exchange`). */
  upstreamOAuth: UpstreamOAuth;
}

/** What tests (and only tests) hand in instead of what config would open. */
export interface DepsOverrides {
  /** An already opened (and migrated) database. */
  database?: DatabaseHandle;
  oauth?: Pick<OAuthSetupOptions, 'cimdFetch'>;
  /** Tests only: what the upstream-OAuth guard allows for URLs no administrator configured. */
  upstreamOAuthGuard?: SafeFetchOptions;
}

/** Builds every long-lived object once, each handed its collaborators at construction. */
export async function createDeps(config: Config, logger: Logger, overrides: DepsOverrides = {}): Promise<Deps> {
  let database = overrides.database;
  if (!database) {
    await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
    database = await openDatabase(config.database);
  }
  try {
    await migrateDatabase(database);
    const keys = await loadKeyRing({ spec: config.secretKeys, activeId: config.activeSecretKey, dataDir: config.dataDir });
    if (keys.created) logger.info({ activeKeyId: keys.ring.activeId }, 'created a new secret key file in the data directory');
    await assertKeysPresent(database.db, keys.ring);
    const storage = { db: database.db, secrets: keys.ring };
    const audit = new AuditWriter({ db: database.db, logger: logger.child({ component: 'audit' }) });
    const connections = new UserConnectionStore({ db: database.db, secrets: keys.ring, logger: logger.child({ component: 'credentials' }), signals: database });
    const credentials = new Credentials({ publicUrl: config.publicUrl, store: connections, logger: logger.child({ component: 'credentials' }) });
    const registry = new FederationRegistry({
      ctx: storage,
      logger,
      version: packageJson.version,
      signals: database,
      audit,
      pool: {
        maxIsolatedSessions: config.maxIsolatedSessions,
        maxPersonalConnections: config.maxPersonalConnections,
        personalIdleMs: config.personalIdleMs,
        baseEnv: config.upstreamBaseEnv,
      },
      credentials,
      leanMcp: config.leanMcp,
      sessions: config.sessions,
    });
    // Revoked tokens, grants, clients, consents and users: loaded now, followed from the other replicas.
    const revocations = new RevocationLedger({ db: database.db, accessTokenTtlSeconds: config.oauth.accessTokenTtlSeconds, logger: logger.child({ component: 'oauth' }) });
    await revocations.start(database);
    // A changed or withdrawn credential: the person's upstream connection (or process) made with it stops.
    connections.onChange((userId, upstreamId) => void registry.pool.releaseCredential(upstreamId, userId));
    const ctx: ServiceContext = { ...storage, publicUrl: config.publicUrl, federation: registry, revocations, credentials };
    // Replicas starting together must not each mint an initial token.
    const bootstrap = await database.withAdvisoryLock(BOOTSTRAP_LOCK_KEY, () => bootstrapAdminToken(ctx, config.adminToken));
    const oauth = await createOAuth(ctx, config, logger, database, {
      ...overrides.oauth,
      revocations,
      onUsersChanged: () => void registry.configChanged(),
      knownUser: (id) => registry.access.current.user(id),
    });
    // Per-person upstream credentials: providers by mode (the identity assertion signs with the AS's keys).
    credentials.register(perUserSecrets({ store: connections, secrets: keys.ring }));
    credentials.register(identityAssertion({ issuer: config.publicUrl, signingKey: () => oauth.context.keys.signingKey() }));
    const upstreamOAuth = createUpstreamOAuth({
      ctx,
      credentials,
      store: connections,
      logger,
      database,
      onConnected: () => registry.configChanged(),
      guard: overrides.upstreamOAuthGuard,
    });
    credentials.register(upstreamOAuth.oauth);
    credentials.register(upstreamOAuth.exchange);
    await connections.start();
    await registry.followReplicas();
    await registry.reload();
    await registry.pool.startAll();
    const admit = createAdmission({ ctx, registry, allowedHosts: config.allowedHosts, bearer: oauth.verifier });
    const auditRetention = startAuditRetention({ ctx, logger, days: config.auditRetentionDays });
    // Replicas only: with the embedded database there is no other writer to miss.
    const replicaSync =
      database.kind === 'postgres'
        ? startReplicaSync({ db: database.db, logger: logger.child({ component: 'replica-sync' }), reload: () => registry.reload(), intervalMs: config.replicaCheckIntervalMs })
        : undefined;
    return { config, logger, database, ctx, bootstrap, registry, audit, auditRetention, oauth, revocations, replicaSync, admit, credentials, upstreamOAuth };
  } catch (error) {
    await database.close().catch(() => {});
    throw error;
  }
}
