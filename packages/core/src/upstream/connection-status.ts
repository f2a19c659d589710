/**
 * What an UpstreamConnection says about itself in the admin API: its state and since
 * when, the last error, the negotiated protocol version and how often it restarted. The
 * connection moves it; this keeps the bookkeeping and the wording of "unavailable".
 */
import { unavailable } from './errors.ts';
import type { UpstreamError, UpstreamState, UpstreamStatus } from './types.ts';

/** The parts of a status only the connection knows (its calls, sessions and catalog). */
export type StatusCounts = Pick<UpstreamStatus, 'inFlight' | 'isolatedSessions' | 'personalConnections' | 'tools' | 'resources' | 'prompts'>;

export class ConnectionStatus {
  state: UpstreamState = 'idle';
  lastError: string | null = null;
  protocolVersion: string | null = null;
  restarts = 0;
  private since = new Date();

  /** `onChange` hears every change of state (not of the other fields). */
  constructor(
    private readonly upstreamName: string,
    private readonly onChange: () => void,
  ) {}

  get connected(): boolean {
    return this.state === 'connected';
  }

  set(state: UpstreamState): void {
    if (state === this.state) return;
    this.state = state;
    this.since = new Date();
    this.onChange();
  }

  /** The error calls get while the upstream cannot serve them, naming why when known. */
  unavailable(): UpstreamError {
    return unavailable(`upstream ${this.upstreamName} is unavailable${this.lastError ? `: ${this.lastError}` : ''}`);
  }

  snapshot(counts: StatusCounts): UpstreamStatus {
    return {
      state: this.state,
      since: this.since.toISOString(),
      lastError: this.lastError,
      protocolVersion: this.protocolVersion,
      restarts: this.restarts,
      ...counts,
    };
  }
}
