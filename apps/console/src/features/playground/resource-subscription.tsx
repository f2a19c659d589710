import type { PlaygroundMessage } from '@switchboard/core/contracts/playground';
import { useResourceSubscription } from '../../api/playground.ts';
import { MutationError } from '../../components/query-state.tsx';
import { ExchangeView } from './exchange-view.tsx';

const isUpdate = (m: PlaygroundMessage) => m.message.method === 'notifications/resources/updated';

/** The subscription's answer, when the gateway refused it (the person may not read it, the upstream said no). */
function refusal(messages: PlaygroundMessage[]): string | null {
  const error = messages.find((m) => m.message.error)?.message.error as { message?: string } | undefined;
  return error ? (error.message ?? 'refused') : null;
}

/**
 * Subscribe to one resource as the person (`resources/subscribe`, their access policy
 * applies) and watch `notifications/resources/updated` arrive live; `onUpdate` lets the
 * page read it again. Unsubscribing closes the stream.
 */
export function ResourceSubscription({ serverId, uri, asUser, onUpdate }: { serverId: string; uri: string; asUser?: string; onUpdate?: () => void }) {
  const subscription = useResourceSubscription(serverId);
  const updates = subscription.messages.filter(isUpdate);
  const refused = refusal(subscription.messages);
  const subscribed = subscription.active && subscription.messages.some((m) => m.message.result !== undefined);
  return (
    <section className="stack-sm" aria-label="Subscription">
      <div className="form-actions">
        {subscription.active ? (
          <button type="button" className="button" onClick={subscription.unsubscribe}>
            Unsubscribe
          </button>
        ) : (
          <button type="button" className="button" onClick={() => void subscription.subscribe({ uri, asUser })}>
            Subscribe to updates
          </button>
        )}
      </div>
      <MutationError error={subscription.error ?? null} />
      {refused && (
        <div className="callout warn" role="status">
          Not subscribed: {refused}
        </div>
      )}
      {subscription.messages.length > 0 && !refused && (
        <div className="callout stack-sm" role="log" aria-label="Resource updates" aria-live="polite">
          <div className="row">
            {subscribed ? <span className="spinner" aria-hidden="true" /> : null}
            <span>
              {subscribed ? 'Subscribed to ' : subscription.active ? 'Subscribing to ' : 'Unsubscribed from '}
              <code>{uri}</code> · {updates.length === 1 ? '1 update' : `${updates.length} updates`}
            </span>
            {onUpdate && updates.length > 0 && (
              <button type="button" className="button small ghost" onClick={onUpdate}>
                Read it again
              </button>
            )}
          </div>
          {updates.length > 0 && (
            <ol className="small" aria-label="Updates received">
              {updates.map((m, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: updates are an ordered log without ids
                <li key={i}>
                  <code>notifications/resources/updated</code> {String((m.message.params as { uri?: string } | undefined)?.uri ?? '')}
                </li>
              ))}
            </ol>
          )}
          <ExchangeView exchange={subscription.messages} />
        </div>
      )}
    </section>
  );
}
