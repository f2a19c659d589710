import { describe, expect, it } from 'vitest';
import { parseExposition } from '../testing/scrape.ts';
import { GatewayMetrics } from './gateway-metrics.ts';

describe('GatewayMetrics', () => {
  it('counts rate-limit refusals by scope and kind of limit', async () => {
    const metrics = new GatewayMetrics();
    metrics.countRateLimited('call', 'rate');
    metrics.countRateLimited('call', 'rate');
    metrics.countRateLimited('registration', 'rate');
    const parsed = parseExposition((await metrics.scrape(false)).body);
    expect(parsed.value('switchboard_rate_limited_total', { scope: 'call', limit: 'rate' })).toBe(2);
    expect(parsed.value('switchboard_rate_limited_total', { scope: 'registration', limit: 'rate' })).toBe(1);
  });

  it('keeps two gateways in one process apart (a registry each, not the global one)', async () => {
    const [a, b] = [new GatewayMetrics(), new GatewayMetrics()];
    a.oauthEvent('login');
    expect(parseExposition((await a.scrape(false)).body).value('switchboard_oauth_events_total', { event: 'login' })).toBe(1);
    expect(parseExposition((await b.scrape(false)).body).value('switchboard_oauth_events_total', { event: 'login' })).toBe(0);
  });

  it('serves both formats from the same counters, concurrently, each with its own names', async () => {
    const metrics = new GatewayMetrics();
    metrics.oauthEvent('token_issued');
    // prom-client renames counters in place while rendering OpenMetrics: the Prometheus text must not notice
    const [om, prom, omAgain, promAgain] = await Promise.all([metrics.scrape(true), metrics.scrape(false), metrics.scrape(true), metrics.scrape(false)]);
    for (const { body } of [prom, promAgain]) {
      const parsed = parseExposition(body);
      expect(parsed.families.get('switchboard_oauth_events_total')?.type).toBe('COUNTER');
      expect(parsed.value('switchboard_oauth_events_total', { event: 'token_issued' })).toBe(1);
    }
    for (const { body, contentType } of [om, omAgain]) {
      expect(contentType).toMatch(/^application\/openmetrics-text/);
      expect(body).toMatch(/^# TYPE switchboard_oauth_events counter$/m);
      expect(parseExposition(body).value('switchboard_oauth_events_total', { event: 'token_issued' })).toBe(1);
    }
  });

  it('hands the counters each call once, at scrape time, even across a re-route of the name', async () => {
    const metrics = new GatewayMetrics();
    const recorder = metrics.recorderFor('vs');
    const route = (upstreamName: string) => ({ upstreamId: upstreamName, upstreamName, item: 'search' });
    const count = async (upstream: string, outcome: string) =>
      parseExposition((await metrics.scrape(false)).body).value('switchboard_tool_calls_total', { virtual_server: 'vs', upstream, tool: 'search', outcome });
    recorder.record('tool', 'search', route('a'), 'ok', null, 0.01);
    recorder.record('tool', 'search', route('a'), 'ok', null, 0.01);
    expect(await count('a', 'ok')).toBe(2);
    expect(await count('a', 'ok')).toBe(2);
    recorder.record('tool', 'search', route('a'), 'tool_error', null, 0.01);
    // the name now routes to another upstream (unprefixed naming, catalogs changed)
    recorder.record('tool', 'search', route('b'), 'ok', null, 0.01);
    expect(await count('a', 'ok')).toBe(2);
    expect(await count('a', 'tool_error')).toBe(1);
    expect(await count('b', 'ok')).toBe(1);
    // the runtime of a server is rebuilt (disabled and enabled): its recorder, and counts, stay
    expect(metrics.recorderFor('vs')).toBe(recorder);
    const parsed = parseExposition((await metrics.scrape(false)).body);
    expect(parsed.value('switchboard_tool_call_duration_seconds_count', { tool: 'search' })).toBe(4);
  });
});
