import type { KeyRing } from '@switchboard/auth/secret-box';
import type { AccessUpstream } from '@switchboard/core/contracts/access';
import type { AppliedLimit } from '@switchboard/core/contracts/rate-limits';
import type { RoutingTable } from '@switchboard/core/federation/routing-table';
import type { PolicySnapshot } from '@switchboard/core/policy/policy-snapshot';
import type { Catalog, UpstreamStatus } from '@switchboard/core/upstream/types';
import type { Database, Executor } from '@switchboard/db/client';
import type { VirtualServerRuntime } from '../mcp/virtual-server-runtime.ts';
import type { GatewayMetrics } from '../metrics/gateway-metrics.ts';
import type { AddressLimits } from '../limits/address-limits.ts';
import type { Credentials } from '../credentials/credentials.ts';
import type { RevocationLedger } from '../oauth/revocations.ts';

/** The live federation, as services see it (set once the registry exists). */
export interface FederationView {
  status(upstreamId: string): UpstreamStatus | undefined;
  /** Connects if needed and re-lists the upstream's tools, resources and prompts. */
  refresh(upstreamId: string): Promise<Catalog>;
  /** Replaces the upstream's connection with a fresh one (a stuck process is restarted). */
  restart(upstreamId: string): Promise<UpstreamStatus | undefined>;
  /** Writes the audit events queued so far (the playground's call is in the trail when its answer is). */
  flushAudit?(): Promise<void>;
  /** An enabled virtual server's runtime with its upstreams connected; undefined when not running. */
  runtimeFor?(serverId: string): Promise<VirtualServerRuntime | undefined>;
  /** Open MCP sessions per running virtual server, in this process. */
  openSessions?(): Array<{ virtualServerId: string; sessions: number }>;
  /**
   * A virtual server's routing table (enabled or not), its upstreams connected first and how
   * each one's items are known, and the live policy snapshot; undefined when unknown.
   */
  accessState?(serverId: string): Promise<{ table: RoutingTable; policy: PolicySnapshot; upstreams: AccessUpstream[] } | undefined>;
  /** The same table and policy as they are now, without connecting anything (cheap: lists of a person's servers). */
  currentAccess?(serverId: string): { table: RoutingTable; policy: PolicySnapshot } | undefined;
  /** The rate-limit rules that apply to a person on a server, with their remaining budgets. */
  limitsFor?(serverId: string, userId: string): Promise<AppliedLimit[]>;
  /** Whether a person can reach the upstream through some enabled virtual server (what /me/connections lists). */
  upstreamVisibleTo?(upstreamId: string, userId: string): boolean;
}

/** What services need from the outside world; built once in deps.ts. */
export interface ServiceContext {
  db: Database;
  secrets: KeyRing;
  /** External base URL, without trailing slash (virtual-server URLs are derived from it). */
  publicUrl: string;
  federation?: FederationView;
  /** Where revoked OAuth access is recorded for every replica (set once the authorization server exists). */
  revocations?: Pick<RevocationLedger, 'record'>;
  /** This process's metrics (the dashboard's call statistics read them); absent when metrics are off. */
  metrics?: GatewayMetrics;
  /** Registration and sign-in attempts per client address (set once the limiter exists). */
  addressLimits?: AddressLimits;
  /** Per-person upstream credentials (set once the registry exists). */
  credentials?: Credentials;
}

/** The same context, but running inside a transaction. */
export type TxContext = Omit<ServiceContext, 'db'> & { db: Executor };
