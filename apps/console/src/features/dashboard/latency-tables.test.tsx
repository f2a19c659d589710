// @vitest-environment jsdom
import { callStatsSchema } from '@switchboard/core/contracts/call-stats';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { formatMs, LatencyTables } from './latency-tables.tsx';

const VS = '7c0e9a41-3b2d-4f5e-9a8b-1c2d3e4f5a6b';
// (parsed by the API's own contract: the table is fed what the gateway answers)
const stats = callStatsSchema.parse({
  since: '2026-12-07T08:00:00.000Z',
  tools: [
    { virtualServerId: VS, upstream: 'fx', tool: 'fx__search', calls: 120, errors: 0, denied: 2, errorRate: 0, latencyMs: { p50: 4.2, p95: 48, p99: 230 } },
    { virtualServerId: VS, upstream: 'bad', tool: 'bad__hang', calls: 10, errors: 4, denied: 0, errorRate: 0.4, latencyMs: { p50: 812, p95: 24_500, p99: 29_000 } },
  ],
  upstreams: [
    { upstream: 'fx', calls: 130, errors: 1, denied: 2, errorRate: 1 / 130, latencyMs: { p50: 5, p95: 50, p99: 240 } },
    { upstream: 'bad', calls: 10, errors: 4, denied: 0, errorRate: 0.4, latencyMs: { p50: null, p95: null, p99: null } },
  ],
});
const serverName = (id: string) => (id === VS ? 'dev' : id);

afterEach(cleanup);

/** The table's cells row by row, as a person reads them. */
const rowsOf = (table: HTMLElement) => within(table).getAllByRole('row').map((row) => [...row.querySelectorAll('th, td')].map((c) => c.textContent));

describe('LatencyTables', () => {
  it('lists p50/p95/p99 and the error rate per tool, busiest first, with the server it is on', () => {
    render(<LatencyTables stats={stats} serverName={serverName} />);
    expect(screen.getByRole('tab', { name: 'Per tool (2)' }).getAttribute('aria-selected')).toBe('true');
    expect(rowsOf(screen.getByRole('table'))).toEqual([
      ['Tool', 'Calls', 'Error rate', 'Denied', 'p50', 'p95', 'p99'],
      ['fx__search on dev', '120', '0.0%', '2', '4.2 ms', '48 ms', '230 ms'],
      ['bad__hang on dev', '10', '40.0%', '0', '812 ms', '24.5 s', '29.0 s'],
    ]);
    // a failing tool's rate stands out
    expect(screen.getByText('40.0%').className).toBe('bad-text');
    expect(screen.getByText('0.0%').className).toBe('');
  });

  it('shows the same per upstream on its tab, a dash where nothing was timed', () => {
    render(<LatencyTables stats={stats} serverName={serverName} />);
    fireEvent.click(screen.getByRole('tab', { name: 'Per upstream (2)' }));
    expect(rowsOf(screen.getByRole('table'))).toEqual([
      ['Upstream', 'Calls', 'Error rate', 'Denied', 'p50', 'p95', 'p99'],
      ['fx', '130', '0.8%', '2', '5.0 ms', '50 ms', '240 ms'],
      ['bad', '10', '40.0%', '0', '—', '—', '—'],
    ]);
  });

  it('says so when no call was made yet', () => {
    render(<LatencyTables stats={{ since: stats.since, tools: [], upstreams: [] }} serverName={serverName} />);
    expect(screen.getByText('No calls since the gateway started.')).toBeTruthy();
    expect(screen.queryByRole('table')).toBeNull();
  });

  it('formats milliseconds for reading', () => {
    expect([formatMs(null), formatMs(0.35), formatMs(9.99), formatMs(10), formatMs(9_999), formatMs(61_000)]).toEqual(['—', '0.3 ms', '10.0 ms', '10 ms', '9999 ms', '61.0 s']);
  });
});
