import type { AuditEvent, AuditExportQuery } from '@switchboard/core/contracts/audit-events';
import { auditEvents } from '@switchboard/db/schema';
import { and, asc, gt } from 'drizzle-orm';
import { withClientNames } from './audit-clients.ts';
import type { ServiceContext } from './context.ts';
import { auditWhere, toAuditDto } from './audit-events.ts';

const CSV_COLUMNS = [
  'seq',
  'occurredAt',
  'userId',
  'userEmail',
  'clientId',
  'clientName',
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
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (/^[=+\-@\t\r]/.test(text) && typeof value === 'string') text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const csvLineOf =
  <T>(columns: ReadonlyArray<keyof T>) =>
  (item: T) =>
    `${columns.map((c) => csvField(item[c])).join(',')}\r\n`;
const jsonLineOf = (item: unknown) => `${JSON.stringify(item)}\n`;

export interface KeysetExport<Row extends { seq: number }, Item> {
  format: 'jsonl' | 'csv';
  /** The CSV columns, in order (a header row names them); JSON Lines carry whole items. */
  columns: ReadonlyArray<keyof Item>;
  /** Up to `limit` matching rows with `seq > after`, by ascending `seq`. */
  page(after: number, limit: number): Promise<Row[]>;
  /** The rows as exported (may look things up, once per page). */
  toItems(rows: Row[]): Item[] | Promise<Item[]>;
}

/**
 * The matching rows of an append-only trail (audit_events, admin_events), oldest first,
 * as export lines: read in keyset pages so an export of millions of rows streams in
 * constant memory.
 */
export async function* exportLines<Row extends { seq: number }, Item>(options: KeysetExport<Row, Item>, pageSize = 1000): AsyncGenerator<string> {
  const line = options.format === 'csv' ? csvLineOf<Item>(options.columns) : jsonLineOf;
  if (options.format === 'csv') yield `${options.columns.join(',')}\r\n`;
  let after = 0;
  for (;;) {
    const rows = await options.page(after, pageSize);
    if (rows.length === 0) return;
    yield (await options.toItems(rows)).map(line).join('');
    after = rows.at(-1)!.seq;
    if (rows.length < pageSize) return;
  }
}

/** The matching audit events, oldest first, as export lines. */
export function exportAuditEvents(ctx: ServiceContext, query: AuditExportQuery, pageSize = 1000): AsyncGenerator<string> {
  return exportLines(
    {
      format: query.format,
      columns: CSV_COLUMNS,
      page: (after, limit) => ctx.db.select().from(auditEvents).where(and(auditWhere(query), gt(auditEvents.seq, after))).orderBy(asc(auditEvents.seq)).limit(limit),
      toItems: (rows) => withClientNames(ctx, rows.map(toAuditDto)),
    },
    pageSize,
  );
}
