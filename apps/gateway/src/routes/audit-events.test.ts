import { auditEvents } from '@switchboard/db/schema';
import { backends } from '@switchboard/db/testing/test-database';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteAuditEventsBefore } from '../services/audit-events.ts';
import { auditStats } from '../services/audit-stats.ts';
import { createTestGateway, json, type TestGateway } from '../testing/test-gateway.ts';

const VS_A = '00000000-0000-4000-8000-00000000000a';
const VS_B = '00000000-0000-4000-8000-00000000000b';
const ALICE = '00000000-0000-4000-8000-0000000000a1';
const MINUTE = 60_000;

describe.each(backends)('audit events API on %s', (backend) => {
  let gw: TestGateway;
  const now = Date.now();
  const at = (minutesAgo: number) => new Date(now - minutesAgo * MINUTE);

  beforeAll(async () => {
    gw = await createTestGateway(backend);
    const base = { kind: 'tool' as const, durationMs: 3, upstreamName: 'fx' };
    await gw.ctx.db.insert(auditEvents).values([
      { ...base, occurredAt: at(200 * 24 * 60), virtualServerId: VS_A, exposedName: 'ancient', outcome: 'ok' },
      { ...base, occurredAt: at(30), virtualServerId: VS_A, userId: ALICE, userEmail: 'alice@example.com', exposedName: 'fx__read', outcome: 'ok' },
      { ...base, occurredAt: at(30), virtualServerId: VS_A, userId: ALICE, userEmail: 'alice@example.com', exposedName: 'fx__deploy', outcome: 'denied', errorCode: 'policy' },
      { ...base, occurredAt: at(2), virtualServerId: VS_A, userEmail: 'bob@example.com', exposedName: 'fx__read', outcome: 'tool_error' },
      { ...base, occurredAt: at(1), virtualServerId: VS_B, userEmail: 'bob@example.com', exposedName: 'fx__read', outcome: 'timeout', errorCode: 'timeout', arguments: { q: 'a,"b"' } },
      { ...base, occurredAt: at(0), virtualServerId: VS_B, userEmail: 'bob@example.com', exposedName: '=cmd()', outcome: 'ok' },
    ]);
  });
  afterAll(() => gw.close());

  const list = async (query: string) => json(gw.api('GET', `/api/v1/audit-events?${query}`));
  const names = (page: { items: Array<{ exposedName: string }> }) => page.items.map((e) => e.exposedName);

  it('lists newest first and filters by user, server, tool, outcome and time', async () => {
    expect(names(await list(''))).toEqual(['=cmd()', 'fx__read', 'fx__read', 'fx__deploy', 'fx__read', 'ancient']);
    expect(names(await list(`user=${ALICE}`))).toEqual(['fx__deploy', 'fx__read']);
    expect(names(await list('user=Bob@Example.com'))).toEqual(['=cmd()', 'fx__read', 'fx__read']);
    expect(names(await list(`virtualServer=${VS_B}`))).toEqual(['=cmd()', 'fx__read']);
    expect((await list('tool=fx__read')).items).toHaveLength(3);
    expect((await list('outcome=denied')).items).toMatchObject([{ exposedName: 'fx__deploy', errorCode: 'policy', userId: ALICE }]);
    expect(names(await list(`from=${encodeURIComponent(at(3).toISOString())}&to=${encodeURIComponent(at(0.5).toISOString())}`))).toEqual(['fx__read', 'fx__read']);
    expect((await gw.api('GET', '/api/v1/audit-events?outcome=nope')).status).toBe(400);
    expect((await gw.api('GET', '/api/v1/audit-events', undefined, null)).status).toBe(401);
  });

  it('pages with a keyset cursor, never repeating or skipping', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Array<{ seq: number; exposedName: string }>; nextCursor: string | null } = await list(
        `limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((e) => String(e.seq)));
      cursor = page.nextCursor;
    } while (cursor);
    const all = (await list('limit=200')).items.map((e: { seq: number }) => String(e.seq));
    expect(seen).toEqual(all);
    expect((await gw.api('GET', '/api/v1/audit-events?cursor=not-a-cursor')).status).toBe(400);
  });

  it('exports JSON Lines and CSV, oldest first, with the same filters', async () => {
    const jsonl = await gw.api('GET', `/api/v1/audit-events/export?format=jsonl&virtualServer=${VS_B}`);
    expect(jsonl.headers.get('content-type')).toMatch(/application\/x-ndjson/);
    const lines = (await jsonl.text()).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((e) => e.exposedName)).toEqual(['fx__read', '=cmd()']);
    expect(lines[0].arguments).toEqual({ q: 'a,"b"' });

    const csv = await gw.api('GET', `/api/v1/audit-events/export?format=csv&virtualServer=${VS_B}`);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const rows = (await csv.text()).split('\r\n');
    expect(rows[0]).toMatch(/^seq,occurredAt,userId,userEmail,/);
    expect(rows[1]).toContain('"{""q"":""a,\\""b\\""""}"');
    expect(rows[2]).toContain(",'=cmd(),"); // not a formula in a spreadsheet
    expect(rows).toHaveLength(4); // header, two events, trailing empty
  });

  it('summarises the last minutes per minute, with the latest denied calls', async () => {
    // The API answers for the wall clock; bucket boundaries are checked at the fixed `now`
    // the events were written around, so a minute ticking over mid-test changes nothing.
    const api = await json(gw.api('GET', '/api/v1/audit-events/stats?minutes=60'));
    expect(api.buckets).toHaveLength(60);
    expect(api.totals.calls).toBe(5);
    const stats = await auditStats(gw.ctx, 60, new Date(now));
    expect(stats.totals).toEqual({ calls: 5, errors: 2, denied: 1, errorRate: 0.4 });
    expect(stats.buckets.reduce((n, b) => n + b.calls, 0)).toBe(5);
    expect(stats.buckets.at(-1)!.calls).toBe(1);
    expect(stats.recentDenied.map((e) => e.exposedName)).toEqual(['fx__deploy']);
    expect((await auditStats(gw.ctx, 5, new Date(now))).totals.calls).toBe(3);
    expect((await gw.api('GET', '/api/v1/audit-events/stats?minutes=0')).status).toBe(400);
  });

  it('retention deletes only events older than the cutoff', async () => {
    expect(await deleteAuditEventsBefore(gw.ctx, at(90 * 24 * 60), 1)).toBe(1);
    expect(names(await list(''))).not.toContain('ancient');
    expect((await list('')).items).toHaveLength(5);
  });
});
