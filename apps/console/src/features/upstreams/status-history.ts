import type { UpstreamStatusDto } from '@switchboard/core/contracts/upstreams';
import { useEffect, useState } from 'react';

export interface StatusChange {
  state: UpstreamStatusDto['state'];
  since: string;
  lastError: string | null;
}

/**
 * The upstream's state changes seen while this page is open (the gateway reports the
 * current state and since when; the page polls and keeps each change, newest first).
 */
export function useStatusHistory(status: UpstreamStatusDto | null | undefined, limit = 20): StatusChange[] {
  const [history, setHistory] = useState<StatusChange[]>([]);
  useEffect(() => {
    if (!status) return;
    setHistory((prev) => {
      const last = prev[0];
      if (last && last.state === status.state && last.since === status.since) return prev;
      return [{ state: status.state, since: status.since, lastError: status.lastError }, ...prev].slice(0, limit);
    });
  }, [status, limit]);
  return history;
}
