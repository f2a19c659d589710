import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import type { SafeFetchOptions } from '@switchboard/auth/oauth/safe-fetch';
import { type DatabaseHandle, openDatabase } from '@switchboard/db/client';
import { migrateDatabase } from '@switchboard/db/migrate';
import { trace, type Tracer } from '@opentelemetry/api';
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
import { addressLimits } from './limits/address-limits.ts';
import { Limiter, LimitStore } from './limits/limiter.ts';
import { type Admit, createAdmission } from './mcp/admission.ts';
import { GatewayMetrics } from './metrics/gateway-metrics.ts';
import { federationSources, observeLiveState } from './metrics/live-gauges.ts';
import { SessionCluster } from './mcp/sessions/session-cluster.ts';
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
  /** Prometheus metrics (their own registry); absent when SWITCHBOARD_METRICS=off. */
  metrics?: GatewayMetrics;
  /** Set when tracing is on (Config.tracing): MCP requests and pipeline stages get spans. */
  tracer?: Tracer;
  /** Rate limits, quotas, concurrency caps (calls, registrations, sign-ins); `limiter.events` emits each refusal. */
  limiter: Limiter;
  /** 2025-era sessions shared with the other replicas. */
  sessions: SessionCluster;
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
    // 2025-era sessions as rows any replica serves, and the relay between replicas (mcp/sessions/).
    const sessions = new SessionCluster({ database, logger: logger.child({ component: 'sessions' }), idleMs: config.sessions.idleMs });
    await sessions.start();
    const metrics = config.metrics.enabled ? new GatewayMetrics() : undefined;
    // The SDK (tracing/sdk.ts) was started by the process entry before this; without it the API's tracer records nothing.
    const tracer = config.tracing ? trace.getTracer('switchboard', packageJson.version) : undefined;
    const audit = new AuditWriter({
      db: database.db,
      logger: logger.child({ component: 'audit' }),
      onBatchWritten: metrics && ((seconds) => metrics.auditBatchDuration.observe(seconds)),
    });
    // (the registry is built next: a user's roles are read from its policy snapshot)
    let registry: FederationRegistry | undefined;
    const limiter = new Limiter({
      store: new LimitStore(database.db),
      logger: logger.child({ component: 'limits' }),
      replicaId: randomUUID(),
      rolesOf: (userId) => registry?.access.current.roles(userId) ?? [],
    });
    if (metrics) limiter.events.on('refused', (refusal) => metrics.countRateLimited(refusal.scope, refusal.limit));
    const connections = new UserConnectionStore({ db: database.db, secrets: keys.ring, logger: logger.child({ component: 'credentials' }), signals: database });
    const credentials = new Credentials({ publicUrl: config.publicUrl, store: connections, logger: logger.child({ component: 'credentials' }) });
    registry = new FederationRegistry({
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
      metrics,
      tracer,
      limiter,
      sessionCluster: sessions,
    });
    await limiter.start();
    if (metrics) observeLiveState(metrics, { ...federationSources(registry), audit: () => audit.stats(), database });
    // Revoked tokens, grants, clients, consents and users: loaded now, followed from the other replicas.
    const revocations = new RevocationLedger({ db: database.db, accessTokenTtlSeconds: config.oauth.accessTokenTtlSeconds, logger: logger.child({ component: 'oauth' }) });
    await revocations.start(database);
    const addresses = addressLimits({
      limiter,
      trustedProxies: config.trustedProxies,
      registrationsPerMinute: config.oauth.registrationsPerMinute,
      loginsPerMinute: config.oauth.loginsPerMinute,
    });
    // A changed or withdrawn credential: the person's upstream connection (or process) made with it stops.
    connections.onChange((userId, upstreamId) => void registry.pool.releaseCredential(upstreamId, userId));
    const ctx: ServiceContext = { ...storage, publicUrl: config.publicUrl, federation: registry, revocations, metrics, addressLimits: addresses, credentials };
    // Replicas starting together must not each mint an initial token.
    const bootstrap = await database.withAdvisoryLock(BOOTSTRAP_LOCK_KEY, () => bootstrapAdminToken(ctx, config.adminToken));
    const oauth = await createOAuth(ctx, config, logger, database, {
      ...overrides.oauth,
      revocations,
      onUsersChanged: () => void registry.configChanged(),
      knownUser: (id) => registry.access.current.user(id),
      events: metrics,
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
    return { config, logger, database, ctx, bootstrap, registry, audit, auditRetention, oauth, revocations, replicaSync, admit, metrics, tracer, limiter, sessions, credentials, upstreamOAuth };
  } catch (error) {
    await database.close().catch(() => {});
    throw error;
  }
}
