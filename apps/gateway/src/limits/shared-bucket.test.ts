/**
 * A quota served from leases on a slow database: calls that wait for a lease together are
 * all counted in it, and a call whose token went to another asks again — so a busy lease
 * never refuses a call while the shared bucket still holds tokens (only another replica's
 * lease may, as documented in limiter.ts). Two limiters (two
 * replicas' worth) on one real Postgres whose lease statements are made slower, as on a
 * loaded machine; each caller stops at its first refusal.
 */
import { randomUUID } from 'node:crypto';
import type { LimitRule } from '@switchboard/core/contracts/rate-limits';
import type { BucketShape } from '@switchboard/core/limits/token-bucket';
import { createTestDatabase } from '@switchboard/db/testing/test-database';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LimitExceeded, type Limiter, LimitStore } from './limiter.ts';
import { limitersOnPostgres } from './limiters-on-postgres.ts';

const QUOTA = 30;
const CALLERS_PER_REPLICA = 8;
const SLOWER_BY_MS = 40;
const SERVER = randomUUID();
const ALICE = randomUUID();

/** The real store, each lease answered later (a loaded database). */
class SlowStore extends LimitStore {
  override async take(bucket: string, shape: BucketShape, want: number, expiresAt: Date) {
    await new Promise((resolve) => setTimeout(resolve, SLOWER_BY_MS));
    return super.take(bucket, shape, want, expiresAt);
  }
}

describe('a quota leased from a slow database by two replicas at once', () => {
  let limiters: Limiter[] = [];
  let close = async () => {};

  beforeAll(async () => {
    const url = await createTestDatabase(inject('postgresTemplate'));
    ({ limiters, close } = await limitersOnPostgres(url, 2, (db) => new SlowStore(db)));
  });
  afterAll(() => close());

  it('admits the whole quota and refuses only once it is spent', async () => {
    const rule: LimitRule = {
      id: randomUUID(),
      name: 'alice-quota',
      subject: { type: 'user', id: ALICE },
      virtualServerId: null,
      pattern: '*',
      rate: null,
      quota: { count: QUOTA, per: 'hour' },
      concurrency: null,
      shared: false,
      updatedAt: new Date().toISOString(),
    };
    for (const limiter of limiters) limiter.setRules([rule]);
    let admitted = 0;
    const refusals: string[] = [];
    const caller = async (limiter: Limiter) => {
      // bounded: the quota ends every loop long before this
      for (let i = 0; i < QUOTA * 2; i++) {
        try {
          await limiter.admit({ virtualServerId: SERVER, key: `user:${ALICE}`, userId: ALICE, upstream: 'fx', item: 'search' });
          admitted++;
        } catch (error) {
          if (!(error instanceof LimitExceeded)) throw error;
          refusals.push(`${error.refusal.limit} after ${admitted}`);
          return;
        }
      }
    };
    await Promise.all(limiters.flatMap((limiter) => Array.from({ length: CALLERS_PER_REPLICA }, () => caller(limiter))));
    expect(admitted).toBe(QUOTA);
    expect(refusals).toHaveLength(limiters.length * CALLERS_PER_REPLICA);
    // Each refusal is the quota's, once the shared bucket is empty: only the other replica's
    // lease (a token for each caller waiting there, at most) may still be unspent then.
    for (const refusal of refusals) {
      const [, limit, at] = /^(\w+) after (\d+)$/.exec(refusal)!;
      expect(limit).toBe('quota');
      expect(Number(at)).toBeGreaterThanOrEqual(QUOTA - CALLERS_PER_REPLICA);
    }
  });
});
