import type { SigningKeyHandle } from '@switchboard/auth/oauth/access-token';
import {
  activeKey,
  generateSigningKey,
  importSigningKey,
  type KeySchedule,
  nextKeyWindow,
  publishedKeys,
  type SigningAlgorithm,
} from '@switchboard/auth/oauth/signing-key';
import { signingKeys } from '@switchboard/db/schema';
import { createLocalJWKSet, type JSONWebKeySet, type JWK, type JWTVerifyGetKey } from 'jose';
import type { Logger } from 'pino';
import type { ServiceContext } from '../services/context.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const RELOAD_EVERY_MS = 5 * 60_000;
const MIN_UNKNOWN_KID_RELOAD_MS = 10_000;
const SIGNING_KEYS_LOCK = 0x5b0a_d003;

export interface SigningKeyStoreOptions {
  algorithm: SigningAlgorithm;
  accessTokenTtlSeconds: number;
  logger: Logger;
  withLock: <T>(key: number, fn: () => Promise<T>) => Promise<T>;
}

type KeyRow = typeof signingKeys.$inferSelect;

/**
 * The authorization server's signing keys: kept in the database (private JWK encrypted
 * with the key ring), rotated every 30 days with a pre-published successor and an overlap
 * longer than any token's life, held in memory for signing and verifying. Replicas create
 * keys under an advisory lock and pick up each other's keys on reload.
 */
export class SigningKeyStore {
  private rows: KeyRow[] = [];
  private handles = new Map<string, SigningKeyHandle>();
  private localJwks: JWTVerifyGetKey = createLocalJWKSet({ keys: [] });
  private timer: NodeJS.Timeout | undefined;
  private lastReload = 0;
  private readonly schedule: KeySchedule;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly options: SigningKeyStoreOptions,
  ) {
    this.schedule = { rotateEveryMs: 30 * DAY, prepublishMs: HOUR, overlapMs: options.accessTokenTtlSeconds * 1000 + DAY };
  }

  async start(): Promise<void> {
    await this.rotateIfDue();
    this.timer = setInterval(() => {
      this.rotateIfDue().catch((err) => this.options.logger.error({ err }, 'signing key rotation failed'));
    }, RELOAD_EVERY_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Creates the next key when the schedule says so, then reloads. */
  async rotateIfDue(now = new Date()): Promise<void> {
    await this.options.withLock(SIGNING_KEYS_LOCK, async () => {
      const rows = await this.ctx.db.select().from(signingKeys);
      const window = nextKeyWindow(rows, now, this.schedule);
      if (!window) return;
      const key = await generateSigningKey(this.options.algorithm);
      await this.ctx.db.insert(signingKeys).values({
        kid: key.kid,
        alg: key.alg,
        publicJwk: key.publicJwk as Record<string, unknown>,
        privateJwk: this.ctx.secrets.encrypt(key.privateJwk),
        activatesAt: window.activatesAt,
        expiresAt: window.expiresAt,
      });
      this.options.logger.info({ kid: key.kid, activatesAt: window.activatesAt }, 'created a new token signing key');
    });
    await this.reload();
  }

  async reload(): Promise<void> {
    this.lastReload = Date.now();
    const rows = await this.ctx.db.select().from(signingKeys);
    const now = new Date();
    const live = publishedKeys(rows, now);
    const handles = new Map<string, SigningKeyHandle>();
    for (const row of live) {
      handles.set(row.kid, this.handles.get(row.kid) ?? (await importSigningKey(row.kid, row.alg, this.ctx.secrets.decrypt(row.privateJwk))));
    }
    this.rows = live;
    this.handles = handles;
    this.localJwks = createLocalJWKSet(this.jwks());
  }

  /** The key that signs new tokens. */
  signingKey(): SigningKeyHandle {
    const row = activeKey(this.rows, new Date());
    const handle = row && this.handles.get(row.kid);
    if (!handle) throw new Error('no active signing key');
    return handle;
  }

  jwks(): JSONWebKeySet {
    return { keys: this.rows.map((row) => row.publicJwk as JWK) };
  }

  /** For jose's jwtVerify. An unknown kid may be a key a replica just created: reload once, rate-limited. */
  readonly verificationKeys: JWTVerifyGetKey = async (header, token) => {
    const known = header.kid !== undefined && this.handles.has(header.kid);
    if (!known && Date.now() - this.lastReload > MIN_UNKNOWN_KID_RELOAD_MS) await this.reload();
    return this.localJwks(header, token);
  };
}
