import { UpstreamConnection } from '@switchboard/core/upstream/connection';
import { fillUserPlaceholders } from '@switchboard/core/credentials/placeholders';
import type { UpstreamSpec } from '@switchboard/core/upstream/types';
import type { ConnectionTest } from '@switchboard/core/contracts/connection-test';
import type { UpstreamCreate } from '@switchboard/core/contracts/upstreams';

/** The contract's shape (one definition, shared with the console). */
export type ConnectionTestResult = ConnectionTest;

/**
 * "Test the connection before saving": connects to an upstream described by a create
 * body with a throwaway connection (nothing stored, nothing shared), lists what it offers,
 * and disconnects. Bounded by the upstream's timeout, at most 30 s.
 */
export async function testUpstreamConnection(input: UpstreamCreate): Promise<ConnectionTestResult> {
  const timeoutMs = Math.min(input.timeoutMs, 30_000);
  const common = { id: 'connection-test', name: input.name, enabled: true, connectAtBoot: false, timeoutMs, protocol: input.protocol };
  // A per-user upstream is tried with its service credential, when the body gives one (nobody's own values are at hand)
  const service = input.credentials?.mode === 'per-user' ? (input.credentials.serviceCredential ?? {}) : {};
  const values = Object.fromEntries(Object.entries(service).filter((entry): entry is [string, string] => entry[1] !== null));
  const fill = (map: Record<string, string>) => ({ ...map, ...fillUserPlaceholders(map, values) });
  const spec: UpstreamSpec =
    input.transport === 'stdio'
      ? { ...common, transport: 'stdio', command: input.command, args: input.args, env: fill(input.env), cwd: input.cwd ?? null }
      : { ...common, transport: input.transport, url: input.url, headers: fill(input.headers), bearerToken: input.bearerToken ?? null };
  const connection = new UpstreamConnection(spec, { connectTimeoutMs: timeoutMs, healthIntervalMs: 0, probeTimeoutMs: Math.min(10_000, timeoutMs) });
  const started = Date.now();
  try {
    await connection.ensureConnected();
    const catalog = connection.catalog();
    return {
      ok: true,
      error: null,
      protocolVersion: connection.status().protocolVersion,
      serverInfo: catalog.serverInfo,
      tools: catalog.tools.map((t) => t.name),
      resources: catalog.resources.length + catalog.resourceTemplates.length,
      prompts: catalog.prompts.length,
      ms: Date.now() - started,
    };
  } catch (error) {
    return {
      ok: false,
      error: connection.status().lastError ?? (error as Error).message,
      protocolVersion: null,
      serverInfo: null,
      tools: [],
      resources: 0,
      prompts: 0,
      ms: Date.now() - started,
    };
  } finally {
    await connection.stop();
  }
}
