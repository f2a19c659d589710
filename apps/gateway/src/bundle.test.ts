/**
 * The production build (`npm run bundle`, what `npm start` and the image run): built, then
 * started with plain node — no tsx — on the embedded database. Catches what only breaks
 * once bundled: a workspace package left external, a path resolved from the bundle's
 * location instead of its source's (migrations, the console), a lazily imported driver.
 * dist/ sits at the same depth as the sources, so a second copy is built one level deeper
 * (dist/relocated-*): there a path taken relative to the bundle would miss.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNodeFlags } from './testing/start-flags.ts';

const run = promisify(execFile);
const gatewayDir = fileURLToPath(new URL('..', import.meta.url));
const consoleIndex = fileURLToPath(new URL('../../console/dist/index.html', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'switchboard-bundle-'));
// Under dist/ (git-ignored), so a crashed run leaves nothing to commit.
mkdirSync(join(gatewayDir, 'dist'), { recursive: true });
const relocated = mkdtempSync(join(gatewayDir, 'dist', 'relocated-'));
let child: ChildProcess | undefined;

const startFlags = startNodeFlags();

beforeAll(async () => {
  const bundle = (...args: string[]) => run(process.execPath, ['scripts/bundle.mjs', ...args], { cwd: gatewayDir, timeout: 60_000 });
  await Promise.all([bundle(), bundle('--outdir', relocated)]);
}, 90_000);

afterAll(() => {
  child?.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
  rmSync(relocated, { recursive: true, force: true });
});

/** A fresh data dir (embedded PGlite) per start, with the environment the gateway reads. */
function gatewayEnv(name: string) {
  return { PATH: process.env.PATH, SWITCHBOARD_DATA_DIR: join(tmp, name), LOG_LEVEL: 'info' };
}

/** Starts `<outdir>/index.js` and resolves with its URL and output once it logs "listening". */
function startBundle(outdir: string): Promise<{ url: string; output: () => string }> {
  const proc = spawn(process.execPath, [...startFlags, join(outdir, 'index.js')], {
    cwd: gatewayDir,
    env: { ...gatewayEnv(outdir === relocated ? 'relocated' : 'dist'), PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = proc;
  let output = '';
  proc.stdout!.on('data', (chunk) => {
    output += chunk;
  });
  proc.stderr!.on('data', (chunk) => {
    output += chunk;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bundle did not start:\n${output}`)), 60_000);
    const poll = setInterval(() => {
      const line = output.split('\n').find((l) => l.includes('Switchboard is listening'));
      if (!line || !output.includes('Console:')) return;
      clearInterval(poll);
      clearTimeout(timer);
      resolve({ url: JSON.parse(line).url, output: () => output });
    }, 50);
    proc.once('exit', (code) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`bundle exited with ${code}:\n${output}`));
    });
  });
}

describe('the bundled gateway', () => {
  it.each([
    ['dist/', join(gatewayDir, 'dist')],
    ['a bundle built one level deeper', relocated],
  ])('%s boots on plain node, serves the API and the console, and stops cleanly on SIGTERM', async (_name, outdir) => {
    const { url, output } = await startBundle(outdir);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);

    // Migrations were found and applied: the admin API answers with the printed token.
    const token = output().match(/\b(sb_[A-Za-z0-9_-]{43})\b/)?.[1];
    expect(token).toBeDefined();
    const upstreams = await fetch(`${url}/api/v1/upstreams`, { headers: { authorization: `Bearer ${token}` } });
    expect(upstreams.status).toBe(200);

    // The console directory resolves from the source layout, not the bundle's location.
    const page = await fetch(`${url}/`);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    if (existsSync(consoleIndex)) expect(html).toBe(readFileSync(consoleIndex, 'utf8'));
    else expect(html).toContain('The console is not built');

    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child!.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('runs with the same node flags in `npm start` and the Docker image', () => {
    expect(startFlags.length).toBeGreaterThan(0);
    const dockerfile = readFileSync(join(gatewayDir, '../../docker/Dockerfile'), 'utf8');
    const cmd = /^CMD (\[.*\])$/m.exec(dockerfile)?.[1];
    expect(cmd && JSON.parse(cmd)).toEqual(['node', ...startFlags, 'apps/gateway/dist/index.js']);
  });

  it('bundles the CLIs: keygen prints a key, rekey migrates a fresh data dir and runs', async () => {
    const env = gatewayEnv('cli');
    mkdirSync(env.SWITCHBOARD_DATA_DIR); // rekey runs on an installation: it does not create the data dir
    const keygen = await run(process.execPath, ['dist/keygen.js', 'k9'], { cwd: gatewayDir, env });
    expect(keygen.stdout).toMatch(/^k9:[A-Za-z0-9_-]{43}\n$/);
    const rekey = await run(process.execPath, [join(relocated, 'rekey.js')], { cwd: gatewayDir, env, timeout: 60_000 });
    expect(rekey.stdout).toMatch(/^re-encrypted \d+ secret value\(s\) under key /);
  });
});
