import type { PlaygroundComplete } from '@switchboard/core/contracts/playground';
import { useQuery } from '@tanstack/react-query';
import { useId } from 'react';
import { playgroundQueries } from '../../api/playground.ts';
import { useDebounced } from '../../lib/use-debounced.ts';

interface CompletingInputProps {
  serverId: string;
  /** What is completed: a prompt argument or a template variable. */
  completeRef: PlaygroundComplete['ref'];
  name: string;
  value: string;
  onChange: (value: string) => void;
  /** The other arguments filled in so far (servers may narrow their suggestions by them). */
  context: Record<string, string>;
  asUser?: string;
  props: Record<string, unknown>;
}

/** A text input whose suggestions come from the server's `completion/complete`, as the person types. */
export function CompletingInput({ serverId, completeRef, name, value, onChange, context, asUser, props }: CompletingInputProps) {
  const listId = useId();
  const typed = useDebounced(value);
  const suggestions = useQuery(
    playgroundQueries.complete(serverId, { ref: completeRef, argument: { name, value: typed }, context: { arguments: context }, asUser }),
  );
  const values = suggestions.data?.values ?? [];
  return (
    <>
      <input {...props} list={listId} autoComplete="off" value={value} onChange={(e) => onChange(e.target.value)} />
      <datalist id={listId}>
        {values.map((v) => (
          <option key={v} value={v} />
        ))}
      </datalist>
      {values.length > 0 && (
        <ul className="chips suggestions" aria-label={`Suggestions for ${name}`}>
          {values.slice(0, 8).map((v) => (
            <li key={v}>
              <button type="button" className="chip" onClick={() => onChange(v)}>
                {v}
              </button>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
