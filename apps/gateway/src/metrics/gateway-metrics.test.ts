import { describe, expect, it } from 'vitest';
import { parseExposition } from '../testing/scrape.ts';
import { GatewayMetrics } from './gateway-metrics.ts';

describe('GatewayMetrics', () => {
  it('counts rate-limit refusals by scope, for the limits stage to call', async () => {
    const metrics = new GatewayMetrics();
    metrics.countRateLimited('user');
    metrics.countRateLimited('user');
    metrics.countRateLimited('upstream');
    const parsed = parseExposition((await metrics.scrape(false)).body);
    expect(parsed.value('switchboard_rate_limited_total', { scope: 'user' })).toBe(2);
    expect(parsed.value('switchboard_rate_limited_total', { scope: 'upstream' })).toBe(1);
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
});
