import type { Upstream } from '@switchboard/core/contracts/upstreams';

const tones: Record<string, string> = { connected: 'ok', starting: 'warn', failing: 'bad', idle: 'neutral', stopped: 'neutral' };
const labels: Record<string, string> = {
  connected: 'Connected',
  starting: 'Starting',
  failing: 'Failing',
  idle: 'Idle',
  stopped: 'Stopped',
};

/** The live connection state of an upstream (idle = lazy, not connected yet). */
export function StatusPill({ upstream }: { upstream: Pick<Upstream, 'enabled' | 'status'> }) {
  if (!upstream.enabled) return <span className="status neutral">Disabled</span>;
  const state = upstream.status?.state ?? 'idle';
  return (
    <span className={`status ${tones[state] ?? 'neutral'}`} title={upstream.status?.lastError ?? undefined}>
      <span className="dot" aria-hidden="true" />
      {labels[state] ?? state}
    </span>
  );
}

export const transportLabels: Record<Upstream['transport'], string> = {
  stdio: 'stdio',
  sse: 'SSE (legacy)',
  'streamable-http': 'Streamable HTTP',
};
