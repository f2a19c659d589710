import { generateSecretKey, KeyRing } from '@switchboard/auth/secret-box';
import { waitFor } from '@switchboard/core/upstream/test-upstreams';
import { auditEvents } from '@switchboard/db/schema';
import { openTestDatabase } from '@switchboard/db/testing/test-database';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { ServiceContext } from '../services/context.ts';
import { startAuditRetention } from './retention.ts';

const DAY = 86_400_000;

describe('audit retention', () => {
  it('periodically deletes events older than the retention, and nothing when it is 0', async () => {
    const database = await openTestDatabase('pglite');
    const ctx: ServiceContext = { db: database.db, secrets: new KeyRing([generateSecretKey('k')]), publicUrl: 'http://x' };
    const event = (daysAgo: number, name: string) => ({
      occurredAt: new Date(Date.now() - daysAgo * DAY),
      virtualServerId: '00000000-0000-4000-8000-000000000001',
      kind: 'tool' as const,
      exposedName: name,
      outcome: 'ok' as const,
      durationMs: 1,
    });
    await database.db.insert(auditEvents).values([event(40, 'old'), event(10, 'recent'), event(0, 'now')]);
    const logger = pino({ level: 'silent' });

    const names = async () => (await database.db.select({ name: auditEvents.exposedName }).from(auditEvents).orderBy(auditEvents.seq)).map((r) => r.name);

    // 0 keeps everything: nothing is scheduled at all
    const forever = startAuditRetention({ ctx, logger, days: 0, initialDelayMs: 1, intervalMs: 10 });
    await forever.stop();
    expect(await names()).toEqual(['old', 'recent', 'now']);

    // (conditions, not sleeps: a loaded machine makes this slower, never wrong)
    const month = startAuditRetention({ ctx, logger, days: 30, initialDelayMs: 1, intervalMs: 50 });
    await waitFor(async () => !(await names()).includes('old'), 'the first cleanup');
    await database.db.insert(auditEvents).values(event(31, 'late arrival'));
    await waitFor(async () => !(await names()).includes('late arrival'), 'the next periodic cleanup');
    await month.stop();
    expect(await names()).toEqual(['recent', 'now']);
    await database.close();
  });
});
