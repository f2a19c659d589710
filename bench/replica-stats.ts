/**
 * What the replicas cost Postgres, read from Postgres itself over one connection of the
 * benchmark's own (application_name `switchboard-bench`, left out of every count):
 * connections per replica (each replica names its connections after itself, see
 * e2e/support/replicas.ts), transactions and tuples from pg_stat_database, and the
 * notifications the replicas send each other, counted by listening on their channels.
 * pg_stat_statements is not loaded in the throwaway server, so queries are counted as
 * transactions: the gateway runs each statement in its own (autocommit) transaction
 * except the few it groups explicitly.
 */
import postgres from 'postgres';
import { CHANNEL as CONNECTIONS_CHANNEL } from '../apps/gateway/src/credentials/connection-store.ts';
import { CONFIG_CHANNEL } from '../apps/gateway/src/federation/registry.ts';
import { CHANNEL as RELAY_CHANNEL } from '../apps/gateway/src/mcp/sessions/session-relay.ts';
import { REVOCATION_CHANNEL } from '../apps/gateway/src/oauth/revocations.ts';

/** Every channel the gateway NOTIFYs on. */
const CHANNELS = [CONFIG_CHANNEL, RELAY_CHANNEL, REVOCATION_CHANNEL, CONNECTIONS_CHANNEL];
const APP = 'switchboard-bench';

export interface DbCounters {
  /** xact_commit + xact_rollback of the gateway's database. */
  xacts: number;
  tupReturned: number;
  tupFetched: number;
  tupInserted: number;
  tupUpdated: number;
  tupDeleted: number;
  notifies: number;
  /** Notifications so far per channel. */
  byChannel: Record<string, number>;
  at: number;
}

export interface DbRates {
  xactsPerS: number;
  tupReadPerS: number;
  tupWrittenPerS: number;
  notifiesPerS: number;
  /** Notifications during the phase per channel (not per second). */
  notifiesByChannel: Record<string, number>;
}

export class PgProbe {
  private notifies = 0;
  private readonly byChannel: Record<string, number> = {};
  private readonly sql: postgres.Sql;
  private unlisten: Array<() => Promise<void>> = [];

  constructor(url: string) {
    this.sql = postgres(url, { max: 2, onnotice: () => {}, connect_timeout: 10, connection: { application_name: APP } });
  }

  async start(): Promise<void> {
    for (const channel of CHANNELS) {
      this.byChannel[channel] = 0;
      const { unlisten } = await this.sql.listen(channel, () => {
        this.notifies++;
        this.byChannel[channel] = (this.byChannel[channel] ?? 0) + 1;
      });
      this.unlisten.push(unlisten);
    }
  }

  /**
   * Cumulative counters. Backends report their statistics to the shared view at most
   * once a second, so a delta over a short phase is off by up to a second's worth.
   */
  async counters(): Promise<DbCounters> {
    const [row] = await this.sql<Array<Record<string, string>>>`
      select xact_commit + xact_rollback as xacts, tup_returned, tup_fetched, tup_inserted, tup_updated, tup_deleted
      from pg_stat_database where datname = current_database()`;
    if (!row) throw new Error('pg_stat_database has no row for the database');
    return {
      xacts: Number(row.xacts),
      tupReturned: Number(row.tup_returned),
      tupFetched: Number(row.tup_fetched),
      tupInserted: Number(row.tup_inserted),
      tupUpdated: Number(row.tup_updated),
      tupDeleted: Number(row.tup_deleted),
      notifies: this.notifies,
      byChannel: { ...this.byChannel },
      at: performance.now(),
    };
  }

  /** Open connections per application_name (a replica's name), the benchmark's own excluded. */
  async connections(): Promise<Record<string, number>> {
    const rows = await this.sql<Array<{ name: string; count: string }>>`
      select coalesce(nullif(application_name, ''), '(unnamed)') as name, count(*) as count
      from pg_stat_activity where backend_type = 'client backend' and application_name <> ${APP}
      group by 1 order by 1`;
    return Object.fromEntries(rows.map((r) => [r.name, Number(r.count)]));
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.unlisten.map((u) => u()));
    await this.sql.end({ timeout: 5 });
  }
}

export function rates(before: DbCounters, after: DbCounters): DbRates {
  const s = Math.max((after.at - before.at) / 1000, 1e-3);
  return {
    xactsPerS: (after.xacts - before.xacts) / s,
    tupReadPerS: (after.tupReturned - before.tupReturned + after.tupFetched - before.tupFetched) / s,
    tupWrittenPerS: (after.tupInserted - before.tupInserted + after.tupUpdated - before.tupUpdated + after.tupDeleted - before.tupDeleted) / s,
    notifiesPerS: (after.notifies - before.notifies) / s,
    notifiesByChannel: Object.fromEntries(Object.entries(after.byChannel).map(([channel, n]) => [channel, n - (before.byChannel[channel] ?? 0)])),
  };
}
