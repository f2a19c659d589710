import type { AdminActor } from './admin-events.ts';
import { recordAdminEvent } from './admin-events.ts';
import { exportConfig } from './config-export.ts';
import type { ServiceContext } from './context.ts';
import type { ImportSummary } from './config-import.ts';

/**
 * An import of a configuration document (POST /api/v1/import, the watched config file),
 * recorded in the admin trail as the whole configuration before and after, as
 * `GET /api/v1/export` shows it (secrets as `${VAR}` placeholders, then masked). An import
 * that changed nothing (a file re-applied at boot) leaves no record.
 */
export async function importWithTrail(
  ctx: ServiceContext,
  who: { actor: AdminActor; requestId?: string | null; objectName: string },
  run: () => Promise<ImportSummary>,
): Promise<ImportSummary> {
  const before = await exportConfig(ctx);
  const summary = await run();
  const after = await exportConfig(ctx);
  if (JSON.stringify(before) !== JSON.stringify(after)) {
    await recordAdminEvent(ctx.db, { ...who, action: 'import', objectType: 'config', objectId: null, before, after });
  }
  return summary;
}
