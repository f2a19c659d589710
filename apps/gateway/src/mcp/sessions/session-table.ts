import type { Server } from '@modelcontextprotocol/server';
import type { CallerContext } from '../../pipeline/call.ts';
import { rpcErrorResponse } from '../errors.ts';
import type { ListChanges } from '../list-changes.ts';
import type { LogLevel } from '../logging.ts';
import type { Principal } from '../principal.ts';
import type { SseServerTransport } from '../sse-server-transport.ts';
import type { RoutedTransport } from './routed-transport.ts';

/** A 2025-era session: Streamable HTTP (`/mcp`) or the old HTTP+SSE transport (`/sse`). */
export type LegacySession = {
  id: string;
  /** Whose share of the per-caller session cap it counts against (quotaKeyOf). */
  quotaKey: string;
  server: Server;
  principal: Principal;
  caller: CallerContext;
  subscriptions: Set<string>;
  state: { logLevel?: LogLevel };
  leanCalls: Map<string | number, AbortController>;
  lastSeen: number;
  /** Lists that changed while this replica held no stream of the session: told when one opens here. */
  missed?: ListChanges;
} & ({ kind: 'streamable'; transport: RoutedTransport } | { kind: 'sse'; transport: SseServerTransport });

export const sessionNotFound = () => rpcErrorResponse(404, -32001, 'Session not found');
export const storeUnavailable = () =>
  rpcErrorResponse(503, -32000, 'Sessions cannot be opened right now (the database is unavailable); try again shortly', { 'Retry-After': '2' });
const tooManySessions = () => rpcErrorResponse(503, -32000, 'Too many open sessions on this virtual server; try again later', { 'Retry-After': '5' });
export const tooManyOfYours = (limit: number) =>
  rpcErrorResponse(429, -32000, `You have ${limit} open sessions on this virtual server, the most one caller may hold; end some (DELETE) or let idle ones expire`, {
    'Retry-After': '30',
  });

/** A caller's share of the session cap: their identity, or for anonymous callers their address. */
export const quotaKeyOf = (principal: Principal, clientAddress: string) => (principal.kind === 'anonymous' ? `address:${clientAddress}` : principal.key);

/** Session ids known not to exist (bounded): a client repeating a dead id costs one database read, not one per request. */
const MAX_UNKNOWN = 10_000;

export interface SessionCaps {
  /** Sessions this replica holds for the virtual server. */
  max: number;
  /** One caller's sessions (counted here only without a shared store; with one, as its row is written). */
  perCaller: number;
}

/**
 * The 2025-era sessions one virtual server holds on this replica, with what the session
 * caps need: a count per caller, and the ids known not to exist.
 */
export class SessionTable {
  private readonly sessions = new Map<string, LegacySession>();
  private readonly perCaller = new Map<string, number>();
  private readonly unknown = new Set<string>();

  constructor(readonly caps: SessionCaps) {}

  get size() {
    return this.sessions.size;
  }

  get(id: string): LegacySession | undefined {
    return this.sessions.get(id);
  }

  /** A snapshot: callers may close sessions while going through it. */
  all(): LegacySession[] {
    return [...this.sessions.values()];
  }

  /**
   * The session `id` names, if it is of that transport and `principal` opened it — marked
   * as seen. A session id is not a credential: presented by anyone else, it does not exist.
   */
  owned<K extends LegacySession['kind']>(id: string, kind: K, principal: Principal): (LegacySession & { kind: K }) | undefined {
    const session = this.sessions.get(id);
    if (session?.kind !== kind || session.principal.key !== principal.key) return undefined;
    session.lastSeen = Date.now();
    return session as LegacySession & { kind: K };
  }

  add(session: LegacySession): void {
    this.sessions.set(session.id, session);
    this.perCaller.set(session.quotaKey, (this.perCaller.get(session.quotaKey) ?? 0) + 1);
  }

  /** Takes the session out (its count with it); what was there, if anything. */
  remove(id: string): LegacySession | undefined {
    const session = this.sessions.get(id);
    if (!session) return undefined;
    this.sessions.delete(id);
    const left = (this.perCaller.get(session.quotaKey) ?? 1) - 1;
    if (left > 0) this.perCaller.set(session.quotaKey, left);
    else this.perCaller.delete(session.quotaKey);
    return session;
  }

  isUnknown(id: string): boolean {
    return this.unknown.has(id);
  }

  markUnknown(id: string): void {
    if (this.unknown.size >= MAX_UNKNOWN) this.unknown.clear();
    this.unknown.add(id);
  }

  /** Refused for the replica's cap (503) — a session restored here counts too. */
  full(): Response | undefined {
    return this.sessions.size >= this.caps.max ? tooManySessions() : undefined;
  }

  /**
   * Why a new session is refused, if it is: this replica holds its cap (503), or — counted
   * here when there is no shared store — this caller its share (429), so one client cannot
   * take every session from the others.
   */
  refusal(quotaKey: string, countCallersHere: boolean): Response | undefined {
    const full = this.full();
    if (full) return full;
    if (countCallersHere && (this.perCaller.get(quotaKey) ?? 0) >= this.caps.perCaller) return tooManyOfYours(this.caps.perCaller);
    return undefined;
  }

  /** Sessions without a request since `cutoff`. */
  idleSince(cutoff: number): LegacySession[] {
    return this.all().filter((session) => session.lastSeen < cutoff);
  }

  /** Open sessions by transport (Streamable HTTP, HTTP+SSE). */
  byTransport(): { streamable: number; sse: number } {
    let sse = 0;
    for (const session of this.sessions.values()) if (session.kind === 'sse') sse += 1;
    return { streamable: this.sessions.size - sse, sse };
  }
}
