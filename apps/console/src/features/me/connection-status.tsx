import type { ConnectionStatus } from '@switchboard/core/contracts/credentials';

const LABELS: Record<ConnectionStatus, { text: string; tone: string }> = {
  connected: { text: 'Connected', tone: 'on' },
  needs_authorization: { text: 'Needs authorization', tone: 'warn' },
  expired: { text: 'Expired', tone: 'bad' },
  not_connected: { text: 'Not connected', tone: 'off' },
};

/** Where a person stands with an upstream that needs their own credential (My connections, a user's page). */
export function ConnectionStatusPill({ status }: { status: ConnectionStatus }) {
  const { text, tone } = LABELS[status];
  return <span className={`pill ${tone}`}>{text}</span>;
}

/** What each credential mode asks of a person, in words. */
export const MODE_LABELS: Record<string, string> = {
  'per-user': 'Your own secret values',
  oauth: 'Your account, authorized in the browser',
  'token-exchange': 'Your sign-in, exchanged by the gateway',
  'identity-assertion': 'Your identity, asserted by the gateway',
  shared: 'Shared',
};
