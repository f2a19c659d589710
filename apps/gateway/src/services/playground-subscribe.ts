import type { PlaygroundMessage, PlaygroundSubscribe } from '@switchboard/core/contracts/playground';
import { toProtocolError } from '../pipeline/errors.ts';
import type { ServiceContext } from './context.ts';
import { type PlaygroundCaller, principalFor, runtimeOf } from './playground.ts';

const REQUEST_ID = 1;

/**
 * `resources/subscribe` as the person (see principalFor): routed and checked against their
 * access policy as for an MCP client's session (a hidden resource is "not found"), then
 * every `notifications/resources/updated` for that URI is handed to `onMessage` as a client
 * would receive it, until `signal` aborts — closing the page's stream is its unsubscribe.
 * Like a session's unsubscribe, the upstream subscription stays (it is shared by everyone).
 * Resolves when the subscription ends; a refusal is an error response in the exchange.
 */
export async function subscribePlayground(
  ctx: ServiceContext,
  serverId: string,
  request: PlaygroundSubscribe,
  caller: PlaygroundCaller,
  live: { signal: AbortSignal; onMessage: (message: PlaygroundMessage) => void },
): Promise<void> {
  const runtime = await runtimeOf(ctx, serverId);
  const { principal } = await principalFor(ctx, caller, request.asUser);
  const { visibility } = runtime.callerOf(principal);
  const { uri } = request;
  live.onMessage({ direction: 'sent', message: { jsonrpc: '2.0', id: REQUEST_ID, method: 'resources/subscribe', params: { uri } } });
  // Listen before subscribing upstream: an update right after the subscription is not missed.
  const stop = runtime.watchResourceUpdates((updated) => {
    if (updated === uri) live.onMessage({ direction: 'received', message: { jsonrpc: '2.0', method: 'notifications/resources/updated', params: { uri } } });
  });
  try {
    await runtime.prepare();
    await runtime.router.resourceRequest('resources/subscribe', { uri }, { signal: live.signal }, visibility);
  } catch (error) {
    stop();
    const mapped = toProtocolError(error);
    if (!mapped || live.signal.aborted) throw error;
    live.onMessage({ direction: 'received', message: { jsonrpc: '2.0', id: REQUEST_ID, error: { code: mapped.code, message: mapped.message } } });
    return;
  }
  live.onMessage({ direction: 'received', message: { jsonrpc: '2.0', id: REQUEST_ID, result: {} } });
  await new Promise<void>((resolve) => {
    if (live.signal.aborted) resolve();
    else live.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  stop();
}
