import type { AuditEvent } from '@switchboard/core/contracts/audit-events';
import { apiTokens, auditEvents, oauthClients } from '@switchboard/db/schema';
import { ilike, inArray, or, type SQL, sql } from 'drizzle-orm';
import type { ServiceContext } from './context.ts';
import { PLAYGROUND_CLIENT_ID } from './playground.ts';

/**
 * The audit trail records a client by id: an OAuth `client_id`, `api-token:<id>` for an API
 * key, or the console playground's id. People know clients by name ("Claude Desktop", the
 * key called "ci-bot"), so names are looked up when events are read and searched.
 */
const API_TOKEN_PREFIX = 'api-token:';
const PLAYGROUND_NAME = 'Console playground';

/** How an API-key caller's client is recorded in the audit trail. */
export const apiTokenClientId = (tokenId: string) => `${API_TOKEN_PREFIX}${tokenId}`;

const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, '\\$&')}%`;

/**
 * Events whose client's name (OAuth client name, API key name, "Console playground") or
 * raw id contains `q`, case-insensitively. The names are matched in subqueries, so a
 * renamed client's past events are found by its current name.
 */
export function clientWhere(q: string): SQL | undefined {
  const pattern = likePattern(q);
  return or(
    ilike(auditEvents.clientId, pattern),
    sql`${auditEvents.clientId} in (select ${oauthClients.clientId} from ${oauthClients} where ${oauthClients.clientName} ilike ${pattern})`,
    sql`${auditEvents.clientId} in (select ${API_TOKEN_PREFIX} || ${apiTokens.id}::text from ${apiTokens} where ${apiTokens.name} ilike ${pattern})`,
    PLAYGROUND_NAME.toLowerCase().includes(q.toLowerCase()) ? sql`${auditEvents.clientId} = ${PLAYGROUND_CLIENT_ID}` : undefined,
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Fills `clientName` of a page of events: two lookups for the whole page. */
export async function withClientNames(ctx: ServiceContext, events: AuditEvent[]): Promise<AuditEvent[]> {
  const ids = [...new Set(events.map((e) => e.clientId).filter((id): id is string => id !== null))];
  const tokenIds = ids.filter((id) => id.startsWith(API_TOKEN_PREFIX)).map((id) => id.slice(API_TOKEN_PREFIX.length)).filter((id) => UUID.test(id));
  const oauthIds = ids.filter((id) => !id.startsWith(API_TOKEN_PREFIX) && id !== PLAYGROUND_CLIENT_ID);
  const [clients, tokens] = await Promise.all([
    oauthIds.length
      ? ctx.db.select({ id: oauthClients.clientId, name: oauthClients.clientName }).from(oauthClients).where(inArray(oauthClients.clientId, oauthIds))
      : [],
    tokenIds.length ? ctx.db.select({ id: apiTokens.id, name: apiTokens.name }).from(apiTokens).where(inArray(apiTokens.id, tokenIds)) : [],
  ]);
  const names = new Map<string, string | null>([
    [PLAYGROUND_CLIENT_ID, PLAYGROUND_NAME],
    ...clients.map((c) => [c.id, c.name] as const),
    ...tokens.map((t) => [apiTokenClientId(t.id), `API key ${t.name}`] as const),
  ]);
  return events.map((e) => ({ ...e, clientName: (e.clientId && names.get(e.clientId)) || null }));
}
