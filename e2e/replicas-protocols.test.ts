/**
 * Issue 17: the official MCP conformance suite and the 12-cell protocol matrix pass
 * through a real HAProxy in front of three gateway replicas on one Postgres, round-robin
 * with no stickiness: consecutive requests of one client land on different replicas.
 */
import { spawn } from 'node:child_process';
import { ROOT } from '@switchboard/core/upstream/test-upstreams';
import { describe, expect, it } from 'vitest';
import { processApi } from './support/gateway-process.ts';
import { apiResponse, describeProtocolMatrix } from './support/protocol-matrix.ts';
import { recordingFetch } from './support/replicas.ts';
import { replicasWithFixture } from './support/replicas-suite.ts';

const CONFORMANCE_ID = '0b5e7c1a-9d2f-4c7e-8a51-3f6d2e9b1c40';

// as e2e/conformance/run-direct.mjs --gateway http configures one gateway: no prefix, the suite calls the fixture's names
const suite = replicasWithFixture(CONFORMANCE_ID, (url) => ({
  mcpServers: { fixture: { type: 'streamable-http', url } },
  virtualServers: { conformance: { id: CONFORMANCE_ID, upstreams: ['fixture'], prefix: 'never', auth: 'none', defaultAccess: 'allow' } },
}));

/** Runs the repository's conformance runner against `url`; resolves with its exit code and output (bounded). */
function runConformance(url: string, timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['e2e/conformance/run-direct.mjs', '--url', url, '--timeout', String(Math.floor(timeoutMs / 1000) - 10)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('the official conformance suite through the load balancer', () => {
  it('passes every scenario against a virtual server on HAProxy in front of three replicas', async () => {
    const logBefore = suite.ha.haproxyLog().length;
    const { code, output } = await runConformance(suite.ha.mcpUrl(CONFORMANCE_ID), 180_000);
    const totals = /^conformance: (\d+) passed, (\d+) failed$/m.exec(output);
    const scenarios = /^scenarios: .*$/m.exec(output)?.[0];
    console.log(`through HAProxy: ${totals?.[0] ?? 'no totals'}; ${scenarios}`);
    expect(totals, output).not.toBeNull();
    expect(Number(totals![2]), output).toBe(0);
    expect(Number(totals![1])).toBeGreaterThan(0);
    expect(code, output).toBe(0);
    // the suite's requests were spread over the three replicas (HAProxy logs one line per request: backend/server)
    const lines = suite.ha
      .haproxyLog()
      .slice(logBefore)
      .split('\n')
      .filter((l) => l.includes(`/servers/${CONFORMANCE_ID}/`));
    const perServer = ['gateway-1', 'gateway-2', 'gateway-3'].map((s) => lines.filter((l) => l.includes(`gateways/${s} `)).length);
    console.log(`conformance requests per replica: ${perServer.join(', ')}`);
    for (const n of perServer) expect(n).toBeGreaterThan(0);
  }, 200_000);
});

const seen: Array<{ what: string; replica: string | null; status?: number }> = [];

describeProtocolMatrix('three replicas behind HAProxy', async () => {
  const path = (p: string) => p.replace(/^\/api\/v1/, '');
  return {
    gateway: { mcpUrl: (id) => suite.ha.mcpUrl(id), sseUrl: (id) => `${suite.ha.url}/servers/${id}/sse` },
    api: async (method, p, body) => apiResponse(await suite.ha.api(method, path(p), body)),
    processes: suite.ha.replicas.map((r) => async (method: string, p: string) => apiResponse(await processApi(`http://127.0.0.1:${r.port}`, method, path(p)))),
    fetch: recordingFetch(seen),
  };
});

describe('where the matrix requests landed', () => {
  it('on all three replicas', () => {
    const calls = seen.filter((s) => s.what === 'tools/call' || s.what === 'tools/list' || s.what.startsWith('answer:'));
    expect(calls.length).toBeGreaterThan(36);
    expect(new Set(calls.map((s) => s.replica))).toEqual(new Set(['gw1', 'gw2', 'gw3']));
  });
});
