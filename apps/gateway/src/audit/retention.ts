import type { Logger } from 'pino';
import { deleteAdminEventsBefore } from '../services/admin-events.ts';
import { deleteAuditEventsBefore } from '../services/audit-events.ts';
import type { ServiceContext } from '../services/context.ts';

const DAY = 86_400_000;

export interface RetentionOptions {
  ctx: ServiceContext;
  logger: Logger;
  /** 0 keeps everything (no cleanup runs). */
  days: number;
  /** How often to clean up (default hourly). */
  intervalMs?: number;
  /** Delay of the first cleanup after start (default 5 s: not while the gateway boots). */
  initialDelayMs?: number;
}

/**
 * Enforces `SWITCHBOARD_AUDIT_RETENTION_DAYS`, on the call audit and the admin trail alike. Every replica runs it; concurrent deletes
 * of the same expired rows are harmless. Never keeps the process alive on its own.
 */
export function startAuditRetention({ ctx, logger, days, intervalMs = 3_600_000, initialDelayMs = 5_000 }: RetentionOptions): { stop(): Promise<void> } {
  if (days <= 0) return { stop: async () => {} };
  let running: Promise<void> | undefined;
  const run = () => {
    const cutoff = new Date(Date.now() - days * DAY);
    // the admin trail (admin_events) is kept as long as the call audit
    running ??= Promise.all([deleteAuditEventsBefore(ctx, cutoff), deleteAdminEventsBefore(ctx, cutoff)])
      .then(([deleted, adminDeleted]) => {
        if (deleted > 0) logger.info({ deleted, retentionDays: days }, 'deleted expired audit events');
        if (adminDeleted > 0) logger.info({ deleted: adminDeleted, retentionDays: days }, 'deleted expired admin events');
      })
      .catch((err) => logger.warn({ err }, 'audit retention cleanup failed; will retry'))
      .finally(() => {
        running = undefined;
      });
  };
  const first = setTimeout(run, initialDelayMs);
  const timer = setInterval(run, intervalMs);
  first.unref();
  timer.unref();
  return {
    /** Stops scheduling and waits for a cleanup in progress (before the pool closes). */
    async stop() {
      clearTimeout(first);
      clearInterval(timer);
      await running;
    },
  };
}
