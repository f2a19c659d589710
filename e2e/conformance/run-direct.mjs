#!/usr/bin/env node
/**
 * Runs the official MCP conformance suite's server scenarios against the
 * conformance fixture served directly over Streamable HTTP (loopback only).
 *
 *   node e2e/conformance/run-direct.mjs [--suite active|all|pending]
 *        [--scenario NAME]... [--url URL] [--timeout SECONDS] [--fail-on-warnings] [--verbose]
 *
 * Without --url it starts e2e/fixtures/conformance-server/http.ts on a free port
 * and always stops it again. With --gateway stdio|http it also starts the Switchboard
 * gateway (embedded database in a temp dir) with one virtual server whose single
 * upstream is the fixture — over stdio, or over Streamable HTTP — and tests that. With --url it tests that server instead (for example
 * the gateway in front of the fixture). The suite needs Node >= 22: it runs under
 * the binary of the `node` npm package (root devDependency), or CONFORMANCE_NODE.
 * Prints per-scenario check counts and exits non-zero on any failed check.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { collectResults } from './results.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURE = join(ROOT, 'e2e/fixtures/conformance-server/http.ts');
const require = createRequire(join(ROOT, 'package.json'));

const { values: args } = parseArgs({
  options: {
    suite: { type: 'string', default: 'active' },
    scenario: { type: 'string', multiple: true },
    url: { type: 'string' },
    gateway: { type: 'string' },
    timeout: { type: 'string', default: '300' },
    'fail-on-warnings': { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
  },
  strict: true,
});
const deadlineMs = Number(args.timeout) * 1000;

function packageDir(name) {
  const direct = join(ROOT, 'node_modules', name);
  if (existsSync(join(direct, 'package.json'))) return direct;
  return dirname(require.resolve(`${name}/package.json`));
}

function node22() {
  const candidate = process.env.CONFORMANCE_NODE ?? join(packageDir('node'), 'bin', 'node');
  const probe = spawnSync(candidate, ['--version'], { encoding: 'utf8' });
  const major = Number(/^v(\d+)/.exec(probe.stdout ?? '')?.[1]);
  if (probe.status !== 0 || !(major >= 22)) {
    throw new Error(`Node >= 22 required for the conformance suite; ${candidate} gave ${probe.stdout || probe.error}`);
  }
  return candidate;
}

/** Starts the fixture (one process: node --import tsx) and resolves its URL. */
function startFixture() {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, '--port', '0'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PORT: '' },
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk) => {
    stderr += chunk;
    if (args.verbose) process.stderr.write(`[fixture] ${chunk}`);
  });
  const url = new Promise((resolveUrl, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`fixture did not start in 30s\n${stderr}`)), 30_000);
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      out += chunk;
      const match = /^listening (\S+)$/m.exec(out);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`fixture exited early (${code ?? signal})\n${stderr}`));
    });
  });
  return { child, url };
}

const GATEWAY_TOKEN = `conformance-${'x'.repeat(40)}`;
const VIRTUAL_SERVER_ID = '0b5e7c1a-9d2f-4c7e-8a51-3f6d2e9b1c40';

/** Starts the gateway as its own process; resolves its base URL from the "listening" log line. */
function startGateway(dataDir) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'apps/gateway/src/index.ts')], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH, HOME: process.env.HOME ?? '', PORT: '0', SWITCHBOARD_DATA_DIR: dataDir, SWITCHBOARD_ADMIN_TOKEN: GATEWAY_TOKEN, LOG_LEVEL: 'info' },
  });
  let output = '';
  const url = new Promise((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start in 90s\n${output}`)), 90_000);
    const onData = (chunk) => {
      output += chunk;
      if (args.verbose) process.stderr.write(`[gateway] ${chunk}`);
      const line = output.split('\n').find((l) => l.includes('Switchboard is listening'));
      if (line) {
        clearTimeout(timer);
        resolveUrl(JSON.parse(line).url);
      }
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited early (${code})\n${output}`));
    });
  });
  return { child, url };
}

/** Configures the gateway through its admin API: the fixture as the only upstream. */
async function configureGateway(gatewayUrl, upstream) {
  const res = await fetch(`${gatewayUrl}/api/v1/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${GATEWAY_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      mcpServers: { fixture: upstream },
      // No prefix: the suite calls the fixture's tools by their own names.
      virtualServers: { conformance: { id: VIRTUAL_SERVER_ID, upstreams: ['fixture'], prefix: 'never', auth: 'none', defaultAccess: 'allow' } },
    }),
  });
  if (!res.ok) throw new Error(`gateway import failed: ${res.status} ${await res.text()}`);
  return `${gatewayUrl}/servers/${VIRTUAL_SERVER_ID}/mcp`;
}

function stopProcess(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(force);
      done();
    });
    child.kill('SIGTERM');
  });
}

/** Runs one suite CLI invocation, killed when the overall deadline passes. */
function runCli(nodeBin, cliArgs, outputDir, remainingMs) {
  const cli = join(packageDir('@modelcontextprotocol/conformance'), 'dist', 'index.js');
  return new Promise((done) => {
    const child = spawn(nodeBin, [cli, ...cliArgs], { cwd: outputDir, stdio: ['ignore', 'pipe', 'pipe'] });
    activeChildren.add(child);
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      stdout += chunk;
      if (args.verbose) process.stdout.write(chunk);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      if (args.verbose) process.stderr.write(chunk);
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, remainingMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      activeChildren.delete(child);
      done({ code, timedOut, stdout });
    });
  });
}

/** The CLI runs a suite's scenarios sequentially; named scenarios run one invocation each. */
async function runSuite(nodeBin, url, outputDir) {
  const invocations = args.scenario?.length
    ? args.scenario.map((scenario) => ['server', '--url', url, '--scenario', scenario, '-o', outputDir])
    : [['server', '--url', url, '--suite', args.suite, '-o', outputDir]];
  const started = Date.now();
  const runs = [];
  for (const cliArgs of invocations) {
    const remaining = deadlineMs - (Date.now() - started);
    if (remaining <= 0) {
      runs.push({ code: null, timedOut: true, stdout: '' });
      break;
    }
    runs.push(await runCli(nodeBin, cliArgs, outputDir, remaining));
  }
  return runs;
}

const activeChildren = new Set();
let fixture;
let gateway;
let gatewayDataDir;
async function cleanup() {
  for (const child of activeChildren) child.kill('SIGKILL');
  await stopProcess(gateway?.child);
  await stopProcess(fixture?.child);
  if (gatewayDataDir) rmSync(gatewayDataDir, { recursive: true, force: true });
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    void cleanup().finally(() => process.exit(130));
  });
}

async function main() {
  const nodeBin = node22();
  let url = args.url;
  if (args.gateway) {
    if (!['stdio', 'http'].includes(args.gateway)) throw new Error('--gateway must be stdio or http');
    gatewayDataDir = mkdtempSync(join(tmpdir(), 'sb-conformance-'));
    gateway = startGateway(gatewayDataDir);
    let upstream = { command: process.execPath, args: ['--import', 'tsx', join(ROOT, 'e2e/fixtures/conformance-server/stdio.ts')] };
    if (args.gateway === 'http') {
      fixture = startFixture();
      upstream = { type: 'streamable-http', url: await fixture.url };
    }
    url = await configureGateway(await gateway.url, upstream);
    console.log(`gateway: fixture over ${args.gateway} behind ${url}`);
  } else if (!url) {
    fixture = startFixture();
    url = await fixture.url;
  }
  const host = new URL(url).hostname;
  if (!['127.0.0.1', 'localhost', '[::1]', '::1'].includes(host)) {
    throw new Error(`refusing to run conformance traffic against non-loopback ${url}`);
  }
  console.log(`conformance: ${args.scenario?.join(', ') ?? `suite ${args.suite}`} against ${url} (node ${nodeBin})`);

  const outputDir = mkdtempSync(join(tmpdir(), 'mcp-conformance-'));
  try {
    const runs = await runSuite(nodeBin, url, outputDir);
    const rows = collectResults(outputDir, runs, args.scenario ?? []);
    const width = Math.max(...rows.map((row) => row.scenario.length), 10);
    for (const row of rows) {
      const mark = row.failed > 0 ? 'FAIL' : row.warnings > 0 ? 'WARN' : 'ok  ';
      const warn = row.warnings ? `, ${row.warnings} warnings` : '';
      console.log(`${mark} ${row.scenario.padEnd(width)} ${row.passed} passed, ${row.failed} failed${warn}`);
      if (row.failed > 0 || row.warnings > 0) for (const line of row.failures) console.log(`       ${line}`);
    }
    const total = (key) => rows.reduce((sum, row) => sum + row[key], 0);
    const timedOut = runs.some((run) => run.timedOut);
    const crashed = runs.some((run) => run.code !== 0 && run.code !== 1);
    if (timedOut) console.log(`suite timed out after ${args.timeout}s`);
    if (crashed) console.log(`suite CLI exited abnormally: ${runs.map((run) => run.code).join(', ')}`);
    console.log(`scenarios: ${rows.filter((row) => row.failed === 0).length}/${rows.length} without failures`);
    console.log(`warnings: ${total('warnings')} (SHOULD-level checks; --fail-on-warnings makes them fatal)`);
    console.log(`conformance: ${total('passed')} passed, ${total('failed')} failed`);
    const failed =
      rows.length === 0 ||
      total('failed') > 0 ||
      timedOut ||
      crashed ||
      (args['fail-on-warnings'] && total('warnings') > 0);
    return failed ? 1 : 0;
  } finally {
    rmSync(outputDir, { recursive: true, force: true });
  }
}

let exitCode = 1;
try {
  exitCode = await main();
} catch (error) {
  console.error(`conformance run failed: ${error instanceof Error ? error.message : error}`);
} finally {
  await cleanup();
}
process.exit(exitCode);
