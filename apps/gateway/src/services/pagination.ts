import type { Page, PageQuery } from '@switchboard/core/contracts/common';
import type { Executor } from '@switchboard/db/client';
import { and, gt, ilike, or, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { badRequest } from '../errors.ts';

/**
 * Keyset pagination over `id`: the cursor is the last id of the previous page, opaque to
 * clients. Ordering by the primary key is total and stable, so pages never repeat or skip
 * rows under concurrent inserts.
 */
export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)) {
    throw badRequest('cursor: not a cursor returned by this API', 'invalid_cursor');
  }
  return id;
}

/** `rows` must have been fetched with `limit + 1` so we know whether another page exists. */
export function toPage<Row extends { id: string }, Item>(
  rows: Row[],
  query: PageQuery,
  toItem: (row: Row) => Item,
): Page<Item> {
  const hasMore = rows.length > query.limit;
  const pageRows = hasMore ? rows.slice(0, query.limit) : rows;
  const last = pageRows.at(-1);
  return {
    items: pageRows.map(toItem),
    nextCursor: hasMore && last ? Buffer.from(last.id, 'utf8').toString('base64url') : null,
  };
}

/** One page of rows of a table keyed by `id` (plus one extra row, to know if more follow). */
export async function fetchPage<T extends PgTable & { id: PgColumn }>(
  db: Executor,
  table: T,
  query: PageQuery,
  where?: SQL,
): Promise<T['$inferSelect'][]> {
  const after = decodeCursor(query.cursor);
  const rows = await db
    .select()
    .from(table as PgTable)
    .where(and(where, after ? gt(table.id, after) : undefined))
    .orderBy(table.id)
    .limit(query.limit + 1);
  return rows as T['$inferSelect'][];
}

/**
 * `?q=` of a list: rows where any of `columns` contains `q`, case-insensitively, LIKE
 * wildcards taken literally. Undefined (no filter) when `q` is empty.
 */
export function searchWhere(q: string | undefined, ...columns: PgColumn[]): SQL | undefined {
  if (!q) return undefined;
  const pattern = `%${q.replace(/[\\%_]/g, '\\$&')}%`;
  return or(...columns.map((column) => ilike(column, pattern)));
}

/**
 * Keyset cursors over an append-only table's `seq` (the audit trails), opaque to clients:
 * pages never repeat or skip under concurrent writes.
 */
export const encodeSeqCursor = (seq: number) => Buffer.from(String(seq), 'utf8').toString('base64url');

export function decodeSeqCursor(cursor: string | undefined): number | undefined {
  if (cursor === undefined) return undefined;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^\d{1,18}$/.test(text)) throw badRequest('cursor: not a cursor returned by this API', 'invalid_cursor');
  return Number(text);
}
