import { TrustedProxies } from './http/trusted-proxies.ts';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { safeBaseEnv } from '@switchboard/core/upstream/transport-factory';

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const port = z.coerce.number().int().min(0).max(65_535);
const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

/** The environment, as read once at startup. Nothing else in the process reads `process.env`. */
const envSchema = z.object({
  PORT: port.default(4444),
  HOST: z.string().min(1).default('127.0.0.1'),
  SWITCHBOARD_PUBLIC_URL: optionalText.pipe(z.url({ protocol: /^https?$/ }).optional()),
  DATABASE_URL: optionalText.pipe(z.url({ protocol: /^postgres(ql)?$/ }).optional()),
  SWITCHBOARD_DATA_DIR: z.string().min(1).default('./data'),
  SWITCHBOARD_SECRET_KEYS: optionalText,
  SWITCHBOARD_ACTIVE_SECRET_KEY: optionalText,
  SWITCHBOARD_ADMIN_TOKEN: optionalText.pipe(
    z.string().min(32, 'must be at least 32 characters (e.g. `openssl rand -hex 32`)').optional(),
  ),
  SWITCHBOARD_MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
  SWITCHBOARD_MAX_MCP_BODY_BYTES: z.coerce.number().int().min(1024).max(256 * 1024 * 1024).default(4 * 1024 * 1024),
  SWITCHBOARD_CONSOLE_DIR: optionalText,
  SWITCHBOARD_ALLOWED_HOSTS: optionalText,
  SWITCHBOARD_CONFIG: optionalText,
  SWITCHBOARD_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
  SWITCHBOARD_AUDIT_RETENTION_DAYS: z.coerce.number().int().min(0).max(36_500).default(90),
  SWITCHBOARD_MAX_ISOLATED_SESSIONS: z.coerce.number().int().min(0).max(10_000).default(8),
  SWITCHBOARD_MAX_PERSONAL_CONNECTIONS: z.coerce.number().int().min(1).max(100_000).default(64),
  SWITCHBOARD_PERSONAL_IDLE_SECONDS: z.coerce.number().int().min(1).max(86_400).default(600),
  SWITCHBOARD_LEAN_MCP: z.enum(['on', 'off']).default('on'),
  SWITCHBOARD_MAX_SESSIONS: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
  SWITCHBOARD_MAX_SESSIONS_PER_CALLER: z.coerce.number().int().min(1).max(1_000_000).default(200),
  SWITCHBOARD_SESSION_IDLE_SECONDS: z.coerce.number().int().min(10).max(7 * 86_400).default(1800),
  SWITCHBOARD_REPLICA_NAME: z.string().regex(/^[\w.-]{1,64}$/).optional(),
  SWITCHBOARD_TRUSTED_PROXIES: optionalText.superRefine((value, ctx) => {
    try {
      TrustedProxies.parse(value);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `comma list of IP addresses or CIDR ranges: ${(err as Error).message}` });
    }
  }),
  SWITCHBOARD_DB_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5000),
  SWITCHBOARD_DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).default(30_000),
  SWITCHBOARD_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(10_000),
  SWITCHBOARD_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1000).max(3_600_000).default(30_000),
  SWITCHBOARD_REPLICA_CHECK_MS: z.coerce.number().int().min(100).max(60_000).default(2000),
  SWITCHBOARD_METRICS: z.enum(['on', 'off']).default('on'),
  SWITCHBOARD_METRICS_PORT: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), port.optional()),
  SWITCHBOARD_METRICS_TOKEN: optionalText.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  LOG_LEVEL: z.enum(logLevels).default('info'),
  SWITCHBOARD_ACCESS_TOKEN_TTL: z.coerce.number().int().min(60).max(86_400).default(900),
  SWITCHBOARD_REFRESH_TOKEN_TTL: z.coerce.number().int().min(3600).default(30 * 86_400),
  SWITCHBOARD_SIGNING_ALG: z.enum(['ES256', 'RS256']).default('ES256'),
  SWITCHBOARD_DCR_RATE_LIMIT: z.coerce.number().int().min(1).default(20),
  SWITCHBOARD_LOGIN_RATE_LIMIT: z.coerce.number().int().min(1).default(30),
  SWITCHBOARD_EXTERNAL_ISSUER: optionalText.pipe(z.url({ protocol: /^https?$/ }).optional()),
  SWITCHBOARD_EXTERNAL_JWKS_URL: optionalText.pipe(z.url({ protocol: /^https?$/ }).optional()),
  SWITCHBOARD_EXTERNAL_AUDIENCE: optionalText,
  SWITCHBOARD_EXTERNAL_ALGORITHMS: z.string().default('RS256,ES256,PS256,EdDSA'),
  SWITCHBOARD_EXTERNAL_EMAIL_CLAIM: z.string().min(1).default('email'),
  /** Set by npm to the directory `npm start` / `npm run` was invoked from (scripts run in the workspace). */
  INIT_CWD: optionalText,
  // OpenTelemetry: read here only to decide whether tracing is on; the SDK reads all OTEL_* itself
  OTEL_SDK_DISABLED: optionalText,
  OTEL_TRACES_EXPORTER: optionalText,
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalText,
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optionalText,
  SWITCHBOARD_EXTERNAL_CLOCK_TOLERANCE: z.coerce.number().int().min(0).max(300).default(5),
});

export interface Config {
  port: number;
  host: string;
  publicUrl: string;
  database: { kind: 'postgres'; url: string; connectTimeoutMs: number; statementTimeoutMs: number } | { kind: 'pglite'; dataDir: string };
  dataDir: string;
  /** `SWITCHBOARD_SECRET_KEYS` (`id:base64,…`); absent → a key file in the data dir (embedded mode only). */
  secretKeys?: string;
  activeSecretKey?: string;
  adminToken?: string;
  /** Request body limit of the admin API, OAuth endpoints and login pages (413 above it). */
  maxBodyBytes: number;
  /** Request body limit of the MCP endpoints (Streamable HTTP and legacy SSE messages); the SDK's 4 MiB by default. */
  maxMcpBodyBytes: number;
  consoleDir: string;
  /** A configuration document applied at boot and watched (`--config` or SWITCHBOARD_CONFIG). */
  configFile?: string;
  /** Hostnames accepted in `Host` and `Origin` on MCP endpoints (DNS-rebinding protection). */
  allowedHosts: string[];
  shutdownTimeoutMs: number;
  /** Audit events older than this many days are deleted periodically; 0 keeps them forever. */
  auditRetentionDays: number;
  /**
   * Per upstream, client sessions that may get a dedicated connection (for stdio, a process)
   * so a 2025-era stdio/SSE upstream's elicitation and sampling reach the right client; 0 = none.
   */
  maxIsolatedSessions: number;
  /** Per upstream whose credentials are per person: people's own connections at most (on stdio, processes). */
  maxPersonalConnections: number;
  /** A person's own upstream connection without calls for this long is stopped. */
  personalIdleMs: number;
  /**
   * Hot tools/call requests take the lean adapter (on, the default) or the SDK's like
   * everything else (off): the same pipeline either way, so `off` is for ruling the lean
   * framing out when debugging a client, and for the equivalence tests.
   */
  leanMcp: boolean;
  /**
   * 2025-era MCP sessions (Streamable HTTP and HTTP+SSE), per virtual server: at most `max`
   * on this replica (beyond: 503), at most `perCaller` for one caller on all replicas
   * together (beyond: 429; an anonymous caller is its client address), closed after
   * `idleMs` without a request.
   */
  sessions: { max: number; perCaller: number; idleMs: number };
  /** Proxies whose X-Forwarded-For is believed (exact addresses); none by default. */
  trustedProxies: TrustedProxies;
  /** When set, every MCP answer names this replica in `X-Switchboard-Replica` (operators tracing a load balancer). */
  replicaName?: string;
  /**
   * A client must send its request headers within `headersMs` and its whole request (body
   * included) within `requestMs`, or its connection is closed with 408 (Node's defaults
   * kept a trickling client's connection 300 s). Responses, e.g. SSE streams, are not limited.
   */
  httpTimeouts: { headersMs: number; requestMs: number };
  /** With Postgres: how often a replica checks the configuration version for a change it did not hear of. */
  replicaCheckIntervalMs: number;
  logLevel: (typeof logLevels)[number];
  /**
   * Prometheus metrics: `GET /metrics` on the main port, or only on `port` (bound to the
   * same host) when set; behind `Authorization: Bearer <token>` when `token` is set.
   * Off: no metric is kept (the call pipeline has no metrics stage) and `/metrics` is 404.
   */
  metrics: { enabled: boolean; port?: number; token?: string };
  /**
   * Traces are exported (OpenTelemetry, OTLP over HTTP): on when an OTLP endpoint is set
   * (OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT), unless
   * OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none. Off, no span is ever created.
   */
  tracing: boolean;
  oauth: OAuthConfig;
  /** The environment stdio upstreams start from (a safe subset of the gateway's), under each one's own `env`. */
  upstreamBaseEnv: Record<string, string>;
}

export interface ExternalIssuerConfig {
  issuer: string;
  /** Absent: discovered from the issuer's metadata. */
  jwksUrl?: string;
  /** Absent: each virtual server's own URL is the required audience. */
  audience?: string;
  algorithms: string[];
  emailClaim: string;
  /** Leeway in seconds for the external issuer's clock on `exp`/`nbf` (our own tokens get none). */
  clockToleranceSeconds: number;
}

export interface OAuthConfig {
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  signingAlgorithm: 'ES256' | 'RS256';
  /** Dynamic client registrations allowed per client IP per minute. */
  registrationsPerMinute: number;
  /** Sign-in attempts (authorization server and console) allowed per client IP per minute. */
  loginsPerMinute: number;
  /** Set: trust this issuer's access tokens instead of running our own authorization server for MCP clients. */
  externalIssuer?: ExternalIssuerConfig;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const defaultConsoleDir = fileURLToPath(new URL('../../console/dist', import.meta.url));

/** `--config <file>` / `--config=<file>` from the command line, if given. */
export function configFileArgument(argv: string[]): string | undefined {
  const index = argv.findIndex((a) => a === '--config' || a.startsWith('--config='));
  if (index < 0) return undefined;
  const arg = argv[index]!;
  const value = arg.includes('=') ? arg.slice('--config='.length) : argv[index + 1];
  if (!value) throw new ConfigError('Invalid configuration:\n  --config: a file path is required');
  return value;
}

export function loadConfig(env: Record<string, string | undefined>, argv: string[] = []): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  // Relative paths mean what they meant where the person typed the command: npm runs the
  // start script inside apps/gateway, but INIT_CWD keeps the directory it was run from.
  const base = e.INIT_CWD ?? process.cwd();
  const dataDir = resolve(base, e.SWITCHBOARD_DATA_DIR);
  if (e.DATABASE_URL && !e.SWITCHBOARD_SECRET_KEYS) {
    // A key file inside one container's filesystem would be lost on redeploy, leaving the
    // shared database undecryptable. With external Postgres the key ring must be explicit.
    throw new ConfigError(
      'Invalid configuration:\n  SWITCHBOARD_SECRET_KEYS: required when DATABASE_URL is set (format `id:<32-byte base64>`; generate one with `npm run -w @switchboard/gateway keygen`)',
    );
  }
  const publicUrl = (e.SWITCHBOARD_PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl,
    database: e.DATABASE_URL
      ? {
          kind: 'postgres',
          url: e.DATABASE_URL,
          connectTimeoutMs: e.SWITCHBOARD_DB_CONNECT_TIMEOUT_MS,
          statementTimeoutMs: e.SWITCHBOARD_DB_STATEMENT_TIMEOUT_MS,
        }
      : { kind: 'pglite', dataDir: resolve(dataDir, 'pglite') },
    dataDir,
    secretKeys: e.SWITCHBOARD_SECRET_KEYS,
    activeSecretKey: e.SWITCHBOARD_ACTIVE_SECRET_KEY,
    adminToken: e.SWITCHBOARD_ADMIN_TOKEN,
    maxBodyBytes: e.SWITCHBOARD_MAX_BODY_BYTES,
    maxMcpBodyBytes: e.SWITCHBOARD_MAX_MCP_BODY_BYTES,
    configFile: (() => {
      const file = configFileArgument(argv) ?? e.SWITCHBOARD_CONFIG;
      return file ? resolve(base, file) : undefined;
    })(),
    consoleDir: e.SWITCHBOARD_CONSOLE_DIR ? resolve(base, e.SWITCHBOARD_CONSOLE_DIR) : defaultConsoleDir,
    allowedHosts: [
      ...new Set([
        new URL(publicUrl).hostname.replace(/^\[(.*)\]$/, '[$1]'),
        'localhost',
        '127.0.0.1',
        '[::1]',
        ...(e.SWITCHBOARD_ALLOWED_HOSTS?.split(',').map((h) => h.trim()).filter(Boolean) ?? []),
      ]),
    ],
    shutdownTimeoutMs: e.SWITCHBOARD_SHUTDOWN_TIMEOUT_MS,
    auditRetentionDays: e.SWITCHBOARD_AUDIT_RETENTION_DAYS,
    maxIsolatedSessions: e.SWITCHBOARD_MAX_ISOLATED_SESSIONS,
    maxPersonalConnections: e.SWITCHBOARD_MAX_PERSONAL_CONNECTIONS,
    personalIdleMs: e.SWITCHBOARD_PERSONAL_IDLE_SECONDS * 1000,
    leanMcp: e.SWITCHBOARD_LEAN_MCP === 'on',
    sessions: { max: e.SWITCHBOARD_MAX_SESSIONS, perCaller: e.SWITCHBOARD_MAX_SESSIONS_PER_CALLER, idleMs: e.SWITCHBOARD_SESSION_IDLE_SECONDS * 1000 },
    replicaName: e.SWITCHBOARD_REPLICA_NAME,
    trustedProxies: TrustedProxies.parse(e.SWITCHBOARD_TRUSTED_PROXIES),
    replicaCheckIntervalMs: e.SWITCHBOARD_REPLICA_CHECK_MS,
    httpTimeouts: {
      headersMs: Math.min(e.SWITCHBOARD_HEADERS_TIMEOUT_MS, e.SWITCHBOARD_REQUEST_TIMEOUT_MS),
      requestMs: e.SWITCHBOARD_REQUEST_TIMEOUT_MS,
    },
    logLevel: e.LOG_LEVEL,
    metrics: { enabled: e.SWITCHBOARD_METRICS === 'on', port: e.SWITCHBOARD_METRICS_PORT, token: e.SWITCHBOARD_METRICS_TOKEN },
    tracing:
      (e.OTEL_EXPORTER_OTLP_ENDPOINT ?? e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) !== undefined &&
      e.OTEL_SDK_DISABLED?.toLowerCase() !== 'true' &&
      e.OTEL_TRACES_EXPORTER?.toLowerCase() !== 'none',
    upstreamBaseEnv: safeBaseEnv(env),
    oauth: {
      accessTokenTtlSeconds: e.SWITCHBOARD_ACCESS_TOKEN_TTL,
      refreshTokenTtlSeconds: e.SWITCHBOARD_REFRESH_TOKEN_TTL,
      signingAlgorithm: e.SWITCHBOARD_SIGNING_ALG,
      registrationsPerMinute: e.SWITCHBOARD_DCR_RATE_LIMIT,
      loginsPerMinute: e.SWITCHBOARD_LOGIN_RATE_LIMIT,
      externalIssuer: e.SWITCHBOARD_EXTERNAL_ISSUER
        ? {
            issuer: e.SWITCHBOARD_EXTERNAL_ISSUER,
            jwksUrl: e.SWITCHBOARD_EXTERNAL_JWKS_URL,
            audience: e.SWITCHBOARD_EXTERNAL_AUDIENCE,
            algorithms: e.SWITCHBOARD_EXTERNAL_ALGORITHMS.split(',').map((a) => a.trim()).filter((a) => a && a !== 'none' && !a.startsWith('HS')),
            emailClaim: e.SWITCHBOARD_EXTERNAL_EMAIL_CLAIM,
            clockToleranceSeconds: e.SWITCHBOARD_EXTERNAL_CLOCK_TOLERANCE,
          }
        : undefined,
    },
  };
}

/** The gateway's own secrets are never available to `${VAR}` in imported documents. */
const PRIVATE_VARIABLES = ['DATABASE_URL', 'SWITCHBOARD_CONFIG', 'SWITCHBOARD_SECRET_KEYS', 'SWITCHBOARD_ACTIVE_SECRET_KEY', 'SWITCHBOARD_ADMIN_TOKEN', 'SWITCHBOARD_METRICS_TOKEN'];

export function substitutionEnv(env: Record<string, string | undefined>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !PRIVATE_VARIABLES.includes(name)));
}
