import type { DatabaseHandle } from '@switchboard/db/client';
import type { Logger } from 'pino';
import type { SessionStore } from './session-store.ts';

export const CHANNEL = 'switchboard_mcp_relay';
/** Postgres refuses NOTIFY payloads of 8000 bytes and more; larger messages travel through a table. */
const MAX_NOTIFY_BYTES = 7000;

type Json = Record<string, unknown>;

/** What replicas tell each other about sessions they share. */
export type RelayMessage =
  /** A client's answer to a server→client request that replica `to` sent (elicitation, sampling, roots). */
  | { k: 'answer'; to: string; s: string; m: Json }
  /** An event of session `s`'s standalone (GET) stream, for whichever replica holds that stream. */
  | { k: 'event'; s: string; stream: string; id: number; m: Json }
  /** HTTP+SSE: messages POSTed to another replica, for replica `to`, which holds the session's stream. */
  | { k: 'sse'; to: string; s: string; m: unknown }
  /** A client cancelled one of its requests; whichever replica runs it stops. */
  | { k: 'cancel'; s: string; m: Json }
  /** The session ended (DELETE, its user disabled): every replica drops its copy. */
  | { k: 'end'; s: string }
  /** The client set its log level (logging/setLevel) on some replica. */
  | { k: 'level'; s: string; level: string }
  /** A 2026-07-28 client's retry for a call replica `to` holds (its verified state); what follows goes to `reply` under `q`. */
  | { k: 'held'; to: string; reply: string; q: string; state: Json; answers: unknown }
  /** For request `q` of replica `to`: the round's progress or log, or its end (`result` or `error`). */
  | { k: 'held-reply'; to: string; q: string; progress?: Json; log?: Json; result?: Json; error?: { code?: number; message: string; data?: unknown } };

type Envelope = RelayMessage & { from: string };

export interface SessionRelayOptions {
  signals: Pick<DatabaseHandle, 'listen' | 'notify'>;
  store: SessionStore;
  /** This replica's name in relay messages (unique per process). */
  replica: string;
  logger: Logger;
}

/**
 * Replica-to-replica messages about sessions over Postgres LISTEN/NOTIFY (one channel,
 * every replica listens; a message names its target or concerns whoever holds a session's
 * copy). Payloads too large for a notification are stored in `mcp_relay_messages` and the
 * notification carries the row's id. Like every notification, delivery is best effort:
 * a message sent while a listener reconnects is lost (the client's retry covers it).
 */
export class SessionRelay {
  private unlisten?: () => Promise<void>;

  constructor(private readonly options: SessionRelayOptions) {}

  get replica() {
    return this.options.replica;
  }

  async start(onMessage: (message: RelayMessage) => void): Promise<void> {
    const deliver = (text: string) => {
      let envelope: Envelope;
      try {
        envelope = JSON.parse(text) as Envelope;
      } catch {
        return;
      }
      if (envelope.from === this.options.replica) return;
      if ('to' in envelope && envelope.to !== this.options.replica) return;
      onMessage(envelope);
    };
    this.unlisten = await this.options.signals.listen(CHANNEL, (payload) => {
      if (!payload.startsWith('#')) return deliver(payload);
      // "#<row id>": a large message, read from its row
      this.options.store
        .readRelay(Number(payload.slice(1)))
        .then((text) => text && deliver(text))
        .catch((err) => this.options.logger.warn({ err: { message: (err as Error).message } }, 'could not read a relayed session message'));
    });
  }

  /** Sends `message` to the other replicas; false when the database could not take it. */
  async publish(message: RelayMessage): Promise<boolean> {
    const text = JSON.stringify({ ...message, from: this.options.replica });
    try {
      if (Buffer.byteLength(text) <= MAX_NOTIFY_BYTES) await this.options.signals.notify(CHANNEL, text);
      else await this.options.signals.notify(CHANNEL, `#${await this.options.store.storeRelay(text)}`);
      return true;
    } catch (err) {
      this.options.logger.warn({ err: { message: (err as Error).message }, kind: message.k }, 'could not relay a session message');
      return false;
    }
  }

  async stop(): Promise<void> {
    await this.unlisten?.().catch(() => {});
  }
}
