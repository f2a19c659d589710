import type { PlaygroundMessage } from '@switchboard/core/contracts/playground';

/** The progress a request reported, in one line: "0 → 50 → 100 of 100 · Completed step 100 of 100". */
export function progressLine(exchange: PlaygroundMessage[]): string | null {
  const steps = exchange
    .map((m) => m.message)
    .filter((m) => m.method === 'notifications/progress')
    .map((m) => m.params as { progress: number; total?: number; message?: string });
  if (steps.length === 0) return null;
  const last = steps.at(-1)!;
  return `${steps.map((s) => s.progress).join(' → ')}${last.total !== undefined ? ` of ${last.total}` : ''}${last.message ? ` · ${last.message}` : ''}`;
}

/**
 * The request and everything that came back for it, as an MCP client of the virtual server
 * sees them on the wire: the inspector's raw view.
 */
export function ExchangeView({ exchange }: { exchange: PlaygroundMessage[] }) {
  return (
    <details className="exchange">
      <summary className="small">Raw JSON-RPC exchange ({exchange.length} messages)</summary>
      <ol aria-label="JSON-RPC messages">
        {exchange.map((m, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the exchange is an ordered log without ids
          <li key={i} className={`exchange-${m.direction}`}>
            <span className="muted small">{m.direction === 'sent' ? '→ sent' : '← received'}</span>
            <pre className="result-text">{JSON.stringify(m.message, null, 2)}</pre>
          </li>
        ))}
      </ol>
    </details>
  );
}
