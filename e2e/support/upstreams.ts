/**
 * Upstream MCP servers as `mcpServers` entries of a configuration document, plus the
 * fixtures that run as their own HTTP processes (started here, stopped by the caller).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  everything,
  fixtureStdio,
  memory,
  misbehaving,
  ROOT,
  type Served,
  sleep,
} from '@switchboard/core/upstream/test-upstreams';

type StdioEntry = {
  command: string;
  args: string[];
  cwd?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
  maxMessageBytes?: number;
};

function stdioEntry(spec: { command: string; args: string[]; cwd?: string | null; env: Record<string, string> }): StdioEntry {
  return { command: spec.command, args: spec.args, cwd: spec.cwd ?? undefined, env: spec.env };
}

/** `@modelcontextprotocol/server-everything` over stdio (a 2025-era server). */
export const everythingEntry = (): StdioEntry => stdioEntry(everything());

/** The conformance fixture over stdio (it speaks either era; the gateway picks unless pinned). */
export const fixtureEntry = (): StdioEntry => stdioEntry(fixtureStdio());

/** `@modelcontextprotocol/server-memory` over stdio, its graph in `file`. */
export const memoryEntry = (file: string): StdioEntry => stdioEntry(memory('memory', file));

/** `e2e/fixtures/misbehaving-server.ts` over stdio (hang, crash, slow_echo, add_tool…). */
export const misbehavingEntry = (extra: Partial<StdioEntry> = {}): StdioEntry => ({ ...stdioEntry(misbehaving()), ...extra });

/**
 * `e2e/fixtures/sse-server/server.ts`: the old HTTP+SSE transport (2024-11-05, v1 SDK);
 * tools echo, add, slow_progress.
 */
export async function startSseFixture(): Promise<Served> {
  const args = ['--import', 'tsx', `${ROOT}e2e/fixtures/sse-server/server.ts`, '--port', '0'];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`SSE fixture did not start: ${output}`));
    }, 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk;
      const found = /^listening (\S+)$/m.exec(output);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]!);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', () => {
      clearTimeout(timer);
      reject(new Error(`SSE fixture exited: ${output}`));
    });
  });
  return {
    url,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await Promise.race([once(child, 'exit'), sleep(5000).then(() => child.kill('SIGKILL'))]);
    },
  };
}
