import { type Revocation, type RevocationKind, RevocationView } from '@switchboard/auth/oauth/revocation-view';
import type { DatabaseHandle, Executor } from '@switchboard/db/client';
import { oauthRevocations, revocationKinds } from '@switchboard/db/schema';
import { gt, lte, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { z } from 'zod';

export const REVOCATION_CHANNEL = 'switchboard_revocations';

const announcement = z.object({
  kind: z.enum(revocationKinds),
  key: z.string().min(1).max(1000),
  revokedAt: z.number(),
  expiresAt: z.number(),
});

export interface RevocationRequest {
  kind: RevocationKind;
  key: string;
  /** Epoch ms; absent = when every access token issued until now has expired. */
  expiresAt?: number;
}

/**
 * Revocations, for the whole cluster: each is stored (a replica starting later loads it),
 * added to this replica's view before the caller answers (its next request here is
 * refused) and announced with NOTIFY at commit, which the other replicas hear within
 * milliseconds (measured 2-12 ms from the answer, revocation-replicas.test.ts).
 */
export class RevocationLedger {
  readonly view = new RevocationView();
  private unlisten?: () => Promise<void>;
  private timer?: NodeJS.Timeout;
  private recent: Revocation[] = [];

  constructor(
    private readonly options: {
      db: Executor;
      /** How long our access tokens live: a client, consent, user or grant entry lasts that long. */
      accessTokenTtlSeconds: number;
      logger: Logger;
    },
  ) {}

  /**
   * Records revocations through `db` (the caller's transaction, if any: the rows and the
   * NOTIFY then take effect with its commit). This replica's view learns them at once.
   */
  async record(db: Executor, requests: RevocationRequest[], now = Date.now()): Promise<void> {
    if (requests.length === 0) return;
    const revocations: Revocation[] = requests.map((r) => ({
      kind: r.kind,
      key: r.key,
      revokedAt: now,
      expiresAt: r.expiresAt ?? now + this.options.accessTokenTtlSeconds * 1000,
    }));
    for (const revocation of revocations) this.view.add(revocation);
    this.recent.push(...revocations);
    await db.insert(oauthRevocations).values(
      revocations.map((r) => ({ kind: r.kind, key: r.key, revokedAt: new Date(r.revokedAt), expiresAt: new Date(r.expiresAt) })),
    );
    for (const revocation of revocations) await db.execute(sql`select pg_notify(${REVOCATION_CHANNEL}, ${JSON.stringify(revocation)})`);
  }

  /**
   * Loads what is still in force and follows the other replicas. The periodic reload is
   * the safety net for a notification missed while the listening connection reconnected.
   */
  async start(signals: Pick<DatabaseHandle, 'listen'>, reloadEveryMs = 60_000): Promise<void> {
    this.unlisten = await signals.listen(REVOCATION_CHANNEL, (payload) => this.receive(payload));
    await this.reload();
    this.timer = setInterval(() => {
      this.reload().catch((err) => this.options.logger.warn({ err }, 'could not reload OAuth revocations'));
    }, reloadEveryMs);
    this.timer.unref();
  }

  async reload(): Promise<void> {
    const now = new Date();
    const rows = await this.options.db.select().from(oauthRevocations).where(gt(oauthRevocations.expiresAt, now));
    const current = rows.map((r) => ({ kind: r.kind, key: r.key, revokedAt: r.revokedAt.getTime(), expiresAt: r.expiresAt.getTime() }));
    this.view.replace(current);
    // Keep what this replica recorded moments ago, maybe in a transaction not yet committed.
    this.recent = this.recent.filter((r) => r.revokedAt > now.getTime() - 10_000);
    for (const pending of this.recent) this.view.add(pending);
    await this.options.db.delete(oauthRevocations).where(lte(oauthRevocations.expiresAt, now));
  }

  private receive(payload: string) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload);
    } catch {
      parsed = undefined;
    }
    const revocation = announcement.safeParse(parsed);
    if (revocation.success) this.view.add(revocation.data);
    else this.options.logger.warn('ignored a malformed revocation notification');
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.unlisten?.().catch(() => {});
  }
}
