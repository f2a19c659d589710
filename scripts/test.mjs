#!/usr/bin/env node
/**
 * `npm test`: lint, typecheck, then every workspace's tests one after another (2-core
 * machines: parallel suites with their own Postgres servers only fight for CPU), then a
 * per-package summary ending in one `N passed, N failed` line.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
const started = performance.now();
const workspaces = ['packages/core', 'packages/auth', 'packages/db', 'apps/gateway', 'apps/console', 'e2e'];

function run(command, args, cwd = root) {
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    child.stdout.on('data', (d) => {
      output += d;
      process.stdout.write(d);
    });
    child.stderr.on('data', (d) => {
      output += d;
      process.stderr.write(d);
    });
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

const seconds = (since) => `${((performance.now() - since) / 1000).toFixed(1)}s`;
const results = [];
let failedSteps = 0;

for (const [name, args] of [
  ['lint', ['biome', 'check', '.']],
  ['typecheck', ['turbo', 'run', 'typecheck', '--output-logs=errors-only']],
]) {
  const t = performance.now();
  const { code } = await run('npx', args);
  console.log(`\n${name}: ${code === 0 ? 'ok' : 'FAILED'} (${seconds(t)})\n`);
  if (code !== 0) failedSteps++;
}

// The console's browser tests (e2e/console) drive Debian's Chromium and the scale-out tests
// a real HAProxy: install them when missing.
const missing = [
  ['chromium', existsSync('/usr/bin/chromium')],
  ['haproxy', ['/usr/sbin/haproxy', '/usr/bin/haproxy'].some((p) => existsSync(p))],
].flatMap(([name, present]) => (present ? [] : [name]));
if (missing.length > 0) {
  const t = performance.now();
  process.env.DEBIAN_FRONTEND ??= 'noninteractive';
  const apt = (...args) => (process.getuid?.() === 0 ? run('apt-get', args) : run('sudo', ['apt-get', ...args]));
  const installed = (await apt('update', '-q')).code === 0 && (await apt('install', '-y', '-q', '--no-install-recommends', ...missing)).code === 0;
  console.log(`\n${missing.join(', ')}: ${installed ? 'installed' : 'FAILED to install'} (${seconds(t)})\n`);
  if (!installed) failedSteps++;
}

for (const dir of workspaces) {
  if (!existsSync(`${root}/${dir}/package.json`)) continue;
  const pkg = JSON.parse(readFileSync(`${root}/${dir}/package.json`, 'utf8'));
  if (!pkg.scripts?.test) continue;
  const t = performance.now();
  const { code, output } = await run('npm', ['run', 'test', '--silent'], `${root}/${dir}`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping ANSI colour codes
  const plain = output.replace(/\x1b\[[0-9;]*m/g, '');
  const line = plain.split('\n').find((l) => /^\s*Tests\s+\d/.test(l)) ?? '';
  const passed = Number(line.match(/(\d+) passed/)?.[1] ?? 0);
  const failed = Number(line.match(/(\d+) failed/)?.[1] ?? 0) + (code !== 0 && !/failed/.test(line) ? 1 : 0);
  results.push({ name: pkg.name, passed, failed, time: seconds(t) });
}

// The official MCP conformance suite, through the gateway, with the fixture upstream over
// stdio and over Streamable HTTP (it needs Node 22: the `node` dev dependency provides it).
for (const transport of ['stdio', 'http']) {
  const t = performance.now();
  const { code, output } = await run(process.execPath, ['e2e/conformance/run-direct.mjs', '--gateway', transport]);
  const line = output.split('\n').find((l) => /^conformance: \d+ passed/.test(l)) ?? '';
  const passed = Number(line.match(/(\d+) passed/)?.[1] ?? 0);
  const failed = Number(line.match(/(\d+) failed/)?.[1] ?? 0) + (code !== 0 && !/[1-9]\d* failed/.test(line) ? 1 : 0);
  results.push({ name: `conformance (${transport})`, passed, failed, time: seconds(t) });
}

console.log('\nTest summary');
for (const r of results) console.log(`  ${r.name.padEnd(24)} ${String(r.passed).padStart(4)} passed  ${String(r.failed).padStart(3)} failed  ${r.time}`);
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0) + failedSteps;
console.log(`  total time ${seconds(started)}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
