/**
 * Rate limits, quotas and concurrency caps — one mechanism for tool calls (the pipeline's
 * limits stage), client registration and sign-in.
 *
 * Design. Rules live in memory (reloaded with the registry, like policies); a call is
 * checked against the rules that match it with no database read. Each rule × key (the
 * person, or everybody when the rule is shared) × window is a token bucket whose truth is
 * one row of `limit_counters` in Postgres. A replica does not ask that row per call: it
 * takes a lease of whole tokens with one atomic statement (limit-store.ts) and serves
 * calls from the lease in memory, fetching the next lease in the background when it runs
 * low (shared-bucket.ts). So N replicas share one budget instead of multiplying it by N.
 *
 * Exactness. Tokens only leave the row through leases, so all replicas together never
 * admit more than the rule allows (burst + rate × time; a quota's count per window).
 * They may admit less by what sits unused in leases: at most one lease per replica — a
 * rate's lease is 100 ms of its budget (or two database round trips' worth, when slower;
 * never more than its burst), a quota's 1 % of its count — and idle leases go back after
 * a second. E.g. at 3 replicas a quota is exact within 3 %, a rate over any 6 s within 5 %
 * (limiter-load.test.ts measures 50/s on one and two replicas; e2e/limits.test.ts a quota
 * across two gateway processes). Concurrency caps are counted in each
 * process (a call in flight belongs to one): each replica admits its share, ⌊cap ÷
 * replicas alive⌋ (at least 1). While the database cannot be reached, each replica
 * serves its share of every bucket (capacity and rate ÷ replicas last seen alive) rather
 * than blocking calls.
 */
import { EventEmitter } from 'node:events';
import type { AppliedLimit, LimitRate, LimitRule } from '@switchboard/core/contracts/rate-limits';
import { type CompiledLimit, LimitRules, type LimitSubject } from '@switchboard/core/limits/limit-rules';
import { type BucketShape, quotaBucket, rateBucket, windowOf } from '@switchboard/core/limits/token-bucket';
import type { Logger } from 'pino';
import { LimitExceeded, type LimitRefusal } from './limit-exceeded.ts';
import { LimitStore } from './limit-store.ts';
import { type BucketEnvironment, SharedBucket } from './shared-bucket.ts';

const PERIOD_MS = { second: 1000, minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;
const TICK_MS = 1000;
const IDLE_RELEASE_MS = 1000;
const IDLE_FORGET_MS = 60_000;
const HEARTBEAT_EVERY_TICKS = 10;
const MAX_BUCKETS = 100_000;

/** A call being checked: where it goes and who makes it. */
export interface LimitedCall {
  virtualServerId: string;
  /** The person's budget key: `user:<id>`, or the principal's key for callers with no user. */
  key: string;
  userId: string | null;
  upstream: string;
  item: string;
}

export interface LimiterOptions {
  store: LimitStore;
  logger: Logger;
  replicaId: string;
  /** A user's roles (from the policy snapshot in memory). */
  rolesOf(userId: string): readonly string[];
}

const toSeconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

export class Limiter {
  /** `refused`: every refusal (metrics count them). */
  readonly events = new EventEmitter<{ refused: [LimitRefusal] }>();
  private rules = new LimitRules([]);
  private readonly buckets = new Map<string, SharedBucket>();
  private readonly shapes = new WeakMap<LimitRule, { version: number; rate?: BucketShape; quota?: { shape: BucketShape; periodMs: number } }>();
  private readonly inFlight = new Map<string, number>();
  private replicas = 1;
  private timer: NodeJS.Timeout | undefined;
  private ticks = 0;

  private readonly environment: BucketEnvironment;

  constructor(private readonly options: LimiterOptions) {
    this.environment = {
      store: options.store,
      replicas: () => this.replicas,
      onStoreError: (err) =>
        options.logger.warn({ err }, 'rate limits: the database is unreachable; each replica serves its share of every limit until it is back'),
    };
  }

  /** True when no rule exists: the stage passes calls straight on. */
  get idle() {
    return this.rules.size === 0;
  }

  setRules(rules: readonly LimitRule[]) {
    this.rules = new LimitRules(rules);
  }

  get currentRules() {
    return this.rules;
  }

  subjectOf(userId: string | null): LimitSubject {
    return { userId, roles: userId ? this.options.rolesOf(userId) : [] };
  }

  /**
   * Checks a call against every rule it falls under and takes what it uses. Returns the
   * release of its concurrency slots (to run when the call ends), or throws LimitExceeded
   * — having given back whatever the rules before the refusing one took.
   */
  async admit(call: LimitedCall): Promise<(() => void) | undefined> {
    const matched = this.rules.matching(call.virtualServerId, this.subjectOf(call.userId), call.upstream, call.item);
    if (matched.length === 0) return undefined;
    const now = Date.now();
    // (the hot path of every limited call: no closure or array unless needed)
    let taken: SharedBucket[] | undefined;
    let slots: string[] | undefined;
    const took = (bucket: SharedBucket) => {
      if (taken) taken.push(bucket);
      else taken = [bucket];
    };
    for (const { rule } of matched) {
      const key = rule.shared ? '*' : call.key;
      const shapes = this.shapesOf(rule);
      if (shapes.rate) {
        const bucket = this.bucket(`rate:${rule.id}:${shapes.version}:${key}`, shapes.rate, undefined);
        const admitted = bucket.take(now);
        const wait = typeof admitted === 'number' ? admitted : await admitted;
        if (wait > 0) throw this.refuseCall(call, rule, 'rate', wait, taken, slots);
        took(bucket);
      }
      if (shapes.quota) {
        const window = windowOf(shapes.quota.periodMs, now);
        const bucket = this.bucket(`quota:${rule.id}:${shapes.version}:${window.index}:${key}`, shapes.quota.shape, window.endsAt);
        const admitted = bucket.take(now);
        const wait = typeof admitted === 'number' ? admitted : await admitted;
        if (wait > 0) throw this.refuseCall(call, rule, 'quota', wait, taken, slots);
        took(bucket);
      }
      if (rule.concurrency !== null) {
        const slot = `${rule.id}:${key}`;
        const inFlight = this.inFlight.get(slot) ?? 0;
        if (inFlight >= this.concurrencyShare(rule.concurrency)) throw this.refuseCall(call, rule, 'concurrency', 1000, taken, slots);
        this.inFlight.set(slot, inFlight + 1);
        if (slots) slots.push(slot);
        else slots = [slot];
      }
    }
    if (!slots) return undefined;
    const held = slots;
    return () => {
      for (const slot of held) this.leaveSlot(slot);
    };
  }

  /** Gives back what the rules before the refusing one took, and reports the refusal. */
  private refuseCall(call: LimitedCall, rule: LimitRule, limit: LimitRefusal['limit'], waitMs: number, taken?: SharedBucket[], slots?: string[]) {
    for (const bucket of taken ?? []) bucket.refund();
    for (const slot of slots ?? []) this.leaveSlot(slot);
    return this.refuse({ scope: 'call', rule: rule.name, limit, retryAfterSeconds: toSeconds(waitMs), virtualServerId: call.virtualServerId, upstream: call.upstream });
  }

  /** A rule's bucket shapes, computed once per rule object; its version (`updatedAt`) names fresh buckets when it changes. */
  private shapesOf(rule: LimitRule) {
    let shapes = this.shapes.get(rule);
    if (!shapes) {
      shapes = {
        version: Date.parse(rule.updatedAt),
        rate: rule.rate ? rateBucket(rule.rate.count, PERIOD_MS[rule.rate.per], rule.rate.burst) : undefined,
        quota: rule.quota ? { shape: quotaBucket(rule.quota.count), periodMs: PERIOD_MS[rule.quota.per] } : undefined,
      };
      this.shapes.set(rule, shapes);
    }
    return shapes;
  }

  /**
   * One token from a built-in limit (registrations, sign-ins) keyed by e.g. the client's
   * address, through the same shared buckets. Returns 0 when admitted, else seconds to wait.
   */
  async takeBuiltIn(scope: 'registration' | 'login', key: string, rate: LimitRate): Promise<number> {
    const shape = rateBucket(rate.count, PERIOD_MS[rate.per], rate.burst);
    const bucket = this.bucket(`${scope}:${rate.count}/${rate.per}:${key}`, shape, undefined);
    const wait = await bucket.take(Date.now());
    if (wait === 0) return 0;
    return this.refuse({ scope, rule: scope, limit: 'rate', retryAfterSeconds: toSeconds(wait) }).refusal.retryAfterSeconds;
  }

  /** What is left of a rule's budgets for `key` (the explain API): the shared row plus this replica's lease. */
  async remaining(rule: LimitRule, key: string) {
    const now = Date.now();
    const left = async (id: string, shape: BucketShape) => {
      const stored = await this.options.store.peek(id, shape);
      return Math.floor((stored ?? shape.capacity) + (this.buckets.get(id)?.held ?? 0));
    };
    const owner = rule.shared ? '*' : key;
    const shapes = this.shapesOf(rule);
    return {
      rate: shapes.rate ? await left(`rate:${rule.id}:${shapes.version}:${owner}`, shapes.rate) : null,
      quota: shapes.quota ? await left(`quota:${rule.id}:${shapes.version}:${windowOf(shapes.quota.periodMs, now).index}:${owner}`, shapes.quota.shape) : null,
      concurrency: rule.concurrency === null ? null : this.concurrencyShare(rule.concurrency) - (this.inFlight.get(`${rule.id}:${rule.shared ? '*' : key}`) ?? 0),
    };
  }

  /** The rules that apply to a person on a server (explain API), each with what is left of its budgets. */
  async applied(virtualServerId: string, userId: string): Promise<AppliedLimit[]> {
    const key = `user:${userId}`;
    return Promise.all(
      this.rules.forSubject(virtualServerId, this.subjectOf(userId)).map(async ({ rule }) => ({
        id: rule.id,
        name: rule.name,
        pattern: rule.pattern,
        shared: rule.shared,
        rate: rule.rate,
        quota: rule.quota,
        concurrency: rule.concurrency,
        remaining: await this.remaining(rule, key),
      })),
    );
  }

  private refuse(refusal: LimitRefusal): LimitExceeded {
    this.events.emit('refused', refusal);
    return new LimitExceeded(refusal);
  }

  private concurrencyShare(cap: number) {
    return Math.max(1, Math.floor(cap / this.replicas));
  }

  private leaveSlot(slot: string) {
    const left = (this.inFlight.get(slot) ?? 1) - 1;
    if (left > 0) this.inFlight.set(slot, left);
    else this.inFlight.delete(slot);
  }

  private bucket(id: string, shape: BucketShape, windowEndsAt: number | undefined): SharedBucket {
    let bucket = this.buckets.get(id);
    if (bucket) return bucket;
    if (this.buckets.size >= MAX_BUCKETS) this.forgetIdle(Date.now(), 0);
    // a rate's row can go once it would be full again anyway; a quota's after its window
    const fullAgainMs = shape.refillPerMs > 0 ? shape.capacity / shape.refillPerMs : 0;
    const expiresAt = () => new Date((windowEndsAt ?? Date.now() + fullAgainMs) + 3_600_000);
    bucket = new SharedBucket(id, shape, expiresAt, this.environment, windowEndsAt);
    this.buckets.set(id, bucket);
    return bucket;
  }

  /** Idle leases go back to the shared rows; long-idle buckets are forgotten. */
  private forgetIdle(now: number, idleMs: number) {
    for (const [id, bucket] of this.buckets) {
      const idle = now - bucket.lastUsed;
      if (idle >= IDLE_RELEASE_MS && bucket.held >= 1) void bucket.release();
      if (idle >= Math.max(idleMs, IDLE_RELEASE_MS) && bucket.held < 1) this.buckets.delete(id);
    }
  }

  private async tick() {
    this.forgetIdle(Date.now(), IDLE_FORGET_MS);
    if (this.ticks++ % HEARTBEAT_EVERY_TICKS !== 0) return;
    try {
      this.replicas = await this.options.store.heartbeat(this.options.replicaId, TICK_MS * HEARTBEAT_EVERY_TICKS * 3);
      await this.options.store.sweep();
    } catch {
      // the database is away: keep the last count (the buckets say so in the log)
    }
  }

  /** Announces this replica and starts handing back idle leases. */
  async start() {
    this.replicas = await this.options.store.heartbeat(this.options.replicaId, TICK_MS * HEARTBEAT_EVERY_TICKS * 3).catch(() => 1);
    this.timer = setInterval(() => void this.tick(), TICK_MS);
    this.timer.unref();
  }

  /** Gives every lease back and leaves (the other replicas' shares grow at their next count). */
  async stop() {
    clearInterval(this.timer);
    await Promise.allSettled([...this.buckets.values()].map((bucket) => bucket.release()));
    await this.options.store.leave(this.options.replicaId).catch(() => {});
  }
}

export { LimitExceeded, LimitStore };
export type { CompiledLimit, LimitRefusal };
