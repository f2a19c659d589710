import { createRequestStateCodec } from '@modelcontextprotocol/server';
import type { KeyRing } from '@switchboard/auth/secret-box';
import type { Logger } from 'pino';
import { HeldCallRelay } from '../mcp/sessions/held-call-relay.ts';
import type { SessionCluster } from '../mcp/sessions/session-cluster.ts';
import { HeldCalls } from '../pipeline/held-calls.ts';
import { answerHeldCall, type BridgeState, type InputBridgeOptions } from '../pipeline/input-bridge.ts';

/** How long a held call waits for its client to come back with answers (an elicitation is a person typing). */
const HELD_CALL_TTL_SECONDS = 300;
const MAX_HELD_CALLS = 1_000;

/**
 * This process's input bridge (pipeline/input-bridge.ts): the calls it holds while a
 * 2026-07-28 client answers a 2025-era upstream's questions, the codec sealing their
 * state — every replica derives the same key, so an answer may come back to any of them —
 * and, with replicas, the relay that answers a retry landing on another replica than its
 * held call.
 */
export function createHeldCallBridge(options: { secrets: KeyRing; cluster?: SessionCluster; logger: Logger }): { bridge: InputBridgeOptions; stop(): void } {
  const held = new HeldCalls({ ttlMs: HELD_CALL_TTL_SECONDS * 1000, max: MAX_HELD_CALLS });
  const codec = createRequestStateCodec<BridgeState>({ key: options.secrets.derive('request-state'), ttlSeconds: HELD_CALL_TTL_SECONDS });
  const bridge: InputBridgeOptions = { held, codec };
  const relay = options.cluster?.relay
    ? new HeldCallRelay({
        cluster: options.cluster,
        serve: (state, responses, hooks) => answerHeldCall(bridge, state, responses, hooks),
        logger: options.logger.child({ component: 'input-bridge' }),
        timeoutMs: HELD_CALL_TTL_SECONDS * 1000,
      })
    : undefined;
  bridge.remote = relay;
  return {
    bridge,
    stop: () => {
      held.close();
      relay?.stop();
    },
  };
}
