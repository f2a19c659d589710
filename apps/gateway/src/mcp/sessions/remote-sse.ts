import { isJsonContentType } from '@modelcontextprotocol/server';
import { rpcErrorResponse } from '../errors.ts';
import type { Principal } from '../principal.ts';
import type { SessionCluster } from './session-cluster.ts';
import type { SessionRecord } from './session-store.ts';
import { type SessionTable, sessionNotFound, storeUnavailable } from './session-table.ts';

/** Rows of remote HTTP+SSE sessions kept at most (a full cache starts again). */
const MAX_REMEMBERED = 10_000;

/**
 * POSTs (`/messages`) for HTTP+SSE sessions of one virtual server whose stream another
 * replica holds: checked against the session's row (read once), then relayed there; the
 * answers travel on that stream.
 */
export class RemoteSseSessions {
  private readonly records = new Map<string, SessionRecord>();

  constructor(
    private readonly virtualServerId: string,
    private readonly cluster: SessionCluster,
    private readonly table: SessionTable,
  ) {}

  async post(body: { contentType: string | null; parsed: unknown }, sessionId: string, principal: Principal): Promise<Response> {
    const { store, relay } = this.cluster;
    if (!store || !relay || this.table.isUnknown(sessionId)) return sessionNotFound();
    let record = this.records.get(sessionId);
    if (!record) {
      try {
        record = await store.load(sessionId);
      } catch {
        return storeUnavailable();
      }
      if (record?.transport !== 'sse' || record.virtualServerId !== this.virtualServerId || !record.streamReplica) {
        this.table.markUnknown(sessionId);
        return sessionNotFound();
      }
      if (this.records.size >= MAX_REMEMBERED) this.records.clear();
      this.records.set(sessionId, record);
    }
    if (record.principal.key !== principal.key) return sessionNotFound();
    if (!isJsonContentType(body.contentType)) return rpcErrorResponse(415, -32000, 'Unsupported Media Type: Content-Type must be application/json');
    if (body.parsed === undefined) return rpcErrorResponse(400, -32700, 'Parse error: the body is not valid JSON');
    const sent = await relay.publish({ k: 'sse', to: record.streamReplica!, s: sessionId, m: body.parsed });
    return sent ? new Response(null, { status: 202 }) : storeUnavailable();
  }

  /** The session ended (on whichever replica): its row is gone. */
  ended(sessionId: string): void {
    this.records.delete(sessionId);
  }
}
