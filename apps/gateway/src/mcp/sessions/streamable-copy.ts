import { type AuthInfo, WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/server';
import { PgEventStore } from './pg-event-store.ts';
import { RoutedTransport } from './routed-transport.ts';
import type { SessionCluster } from './session-cluster.ts';

export interface StreamableCopyOptions {
  id: string;
  cluster: SessionCluster;
  /** DELETE from the client: the session ends on every replica. */
  onDeleted(id: string): void;
}

/**
 * The SDK transport of a session's copy on this replica, with a fixed id (the session's,
 * wherever it was opened), request-stream events stored for resumption, and routing
 * (routed-transport.ts) between it and the session's `Server`.
 */
export function streamableTransport({ id, cluster, onDeleted }: StreamableCopyOptions): RoutedTransport {
  const inner = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: () => id,
    eventStore: cluster.store && new PgEventStore(id, cluster.store),
    onsessionclosed: () => onDeleted(id),
  });
  return new RoutedTransport(inner, {
    replica: cluster.replica,
    standalone: (message) => void cluster.standalone(id, message),
    answerElsewhere: (replica, message) => cluster.publish({ k: 'answer', to: replica, s: id, m: message }),
    cancelled: (message) => cluster.publish({ k: 'cancel', s: id, m: message }),
  });
}

const replayHeaders = { accept: 'application/json, text/event-stream', 'content-type': 'application/json' };

/**
 * Makes a fresh copy's `Server` and transport what they were after the client's
 * initialize on the replica that opened the session: the same initialize, replayed
 * locally (the server negotiates the same version and learns the client's capabilities),
 * then `notifications/initialized`. Only public SDK API; nothing reaches the client.
 */
export async function replayInitialize(transport: RoutedTransport, initialize: Record<string, unknown>, authInfo: AuthInfo): Promise<void> {
  const post = (body: Record<string, unknown>, sessionId?: string) =>
    transport.inner.handleRequest(
      new Request('http://replay.invalid/', {
        method: 'POST',
        headers: sessionId ? { ...replayHeaders, 'mcp-session-id': sessionId } : replayHeaders,
        body: JSON.stringify(body),
      }),
      { parsedBody: body, authInfo },
    );
  const answer = await post({ jsonrpc: '2.0', id: 'replayed-initialize', method: 'initialize', params: initialize });
  const text = await answer.text();
  if (answer.status !== 200 || !text.includes('"result"')) throw new Error(`the stored session could not be restored (${answer.status})`);
  await (await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, transport.sessionId)).text();
}
