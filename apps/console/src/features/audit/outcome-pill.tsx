import type { AuditOutcome } from '@switchboard/core/contracts/audit-events';

const tones: Record<AuditOutcome, string> = { ok: 'on', tool_error: 'warn', denied: 'bad', limited: 'warn', upstream_failure: 'bad', timeout: 'bad' };

export function OutcomePill({ outcome }: { outcome: AuditOutcome }) {
  return <span className={`pill ${tones[outcome]}`}>{outcome.replace('_', ' ')}</span>;
}
