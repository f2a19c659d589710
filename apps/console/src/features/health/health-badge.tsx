import { useQuery } from '@tanstack/react-query';
import { healthQueries } from '../../api/health.ts';

/** The gateway's readiness (`/readyz`: serving, and whether its database answers), refreshed every 15 s. */
export function HealthBadge() {
  const { data, error, isPending } = useQuery(healthQueries.ready());

  let tone: 'ok' | 'warn' | 'bad' | 'unknown' = 'unknown';
  let label = 'Checking…';
  let title = 'Checking the gateway';
  if (error) {
    tone = 'bad';
    label = 'Unreachable';
    title = error.message;
  } else if (!isPending && data.ready && data.degraded) {
    tone = 'warn';
    label = 'Database down';
    title = data.detail ?? '';
  } else if (!isPending && data.ready) {
    tone = 'ok';
    label = 'Ready';
    title = 'The gateway and its database are up';
  } else if (!isPending) {
    tone = 'warn';
    label = 'Not ready';
    title = data.detail ?? 'The gateway is shutting down';
  }

  return (
    <span className={`badge health ${tone}`} title={title} role="status" aria-live="polite">
      <span className="dot" aria-hidden="true" />
      {label}
    </span>
  );
}
