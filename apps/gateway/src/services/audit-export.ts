import type { AuditEvent, AuditExportQuery } from '@switchboard/core/contracts/audit-events';
import { auditEvents } from '@switchboard/db/schema';
import { and, asc, gt } from 'drizzle-orm';
import type { ServiceContext } from './context.ts';
import { auditWhere, toAuditDto } from './audit-events.ts';

const CSV_COLUMNS = [
  'seq',
  'occurredAt',
  'userId',
  'userEmail',
  'clientId',
  'actor',
  'virtualServerId',
  'kind',
  'exposedName',
  'upstreamName',
  'upstreamItem',
  'outcome',
  'durationMs',
  'errorCode',
  'credentialMode',
  'arguments',
  'result',
] as const satisfies ReadonlyArray<keyof AuditEvent>;

/** RFC 4180 quoting; a leading = + - @ is prefixed so a spreadsheet does not run it as a formula. */
function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (/^[=+\-@\t\r]/.test(text) && typeof value === 'string') text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export const csvLine = (event: AuditEvent) => `${CSV_COLUMNS.map((c) => csvField(event[c])).join(',')}\r\n`;
export const jsonLine = (event: AuditEvent) => `${JSON.stringify(event)}\n`;

/**
 * The matching events, oldest first, as export lines: read in keyset pages so an export
 * of millions of rows streams in constant memory.
 */
export async function* exportAuditEvents(ctx: ServiceContext, query: AuditExportQuery, pageSize = 1000): AsyncGenerator<string> {
  const line = query.format === 'csv' ? csvLine : jsonLine;
  if (query.format === 'csv') yield `${CSV_COLUMNS.join(',')}\r\n`;
  let after = 0;
  for (;;) {
    const rows = await ctx.db
      .select()
      .from(auditEvents)
      .where(and(auditWhere(query), gt(auditEvents.seq, after)))
      .orderBy(asc(auditEvents.seq))
      .limit(pageSize);
    if (rows.length === 0) return;
    yield rows.map((row) => line(toAuditDto(row))).join('');
    after = rows.at(-1)!.seq;
    if (rows.length < pageSize) return;
  }
}
