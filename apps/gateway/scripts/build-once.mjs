#!/usr/bin/env node
/**
 * What `npm start` builds before it runs: the console (apps/console/dist) and the gateway
 * bundle (apps/gateway/dist), each rebuilt only when its sources changed. A SHA-256 of
 * every input file (path and content) is kept beside the output (`.build-hash`); when it
 * matches and the output is there, the build is skipped and the start takes seconds.
 *
 *   node scripts/build-once.mjs [--force] [--console-outdir DIR] [--bundle-outdir DIR]
 *
 * Inputs are the sources a build reads: our workspaces' sources and manifests, the
 * lockfile (dependency versions) and the shared tsconfig. Tests are left out.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bundle } from './bundle.mjs';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const STAMP = '.build-hash';
const shared = ['package-lock.json', 'tsconfig.base.json', 'packages/core', 'packages/auth', 'packages/db'];

/**
 * The two builds. `outdirs` exists for the test, which builds into temporary directories
 * so it never races other tests that run the real dist/.
 */
export function startTargets({ consoleOutdir = 'apps/console/dist', bundleOutdir = 'apps/gateway/dist' } = {}) {
  return [
    {
      name: 'console',
      inputs: [...shared, 'apps/console'],
      outdir: resolve(root, consoleOutdir),
      output: 'index.html',
      build: (outdir) => {
        const vite = join(root, 'node_modules/vite/bin/vite.js');
        // NODE_ENV: a development value in the caller's environment would bundle React's development build.
        const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn', '--outDir', outdir, '--emptyOutDir'], {
          cwd: join(root, 'apps/console'),
          env: { ...process.env, NODE_ENV: 'production' },
          stdio: 'inherit',
        });
        if (result.status !== 0) throw new Error(`console build failed (${result.status ?? result.signal})`);
      },
    },
    {
      name: 'gateway bundle',
      inputs: [...shared, 'apps/gateway/src', 'apps/gateway/scripts/bundle.mjs', 'apps/gateway/package.json'],
      outdir: resolve(root, bundleOutdir),
      output: 'index.js',
      build: (outdir) => bundle({ outdir }),
    },
  ];
}

const skipped = new Set(['node_modules', 'dist', '.turbo', 'coverage']);
const isTest = (name) => /\.test\.tsx?$/.test(name);

function* files(path) {
  const full = join(root, path);
  if (!existsSync(full)) return;
  const entries = readdirSync(full, { withFileTypes: true });
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (skipped.has(entry.name) || isTest(entry.name)) continue;
    const child = join(path, entry.name);
    if (entry.isDirectory()) yield* files(child);
    else if (entry.isFile()) yield child;
  }
}

/** The content hash of a target's inputs: every file's path and bytes, in a stable order. */
export function inputHash(target) {
  const hash = createHash('sha256');
  for (const input of target.inputs) {
    const paths = isDirectory(input) ? [...files(input)] : existsSync(join(root, input)) ? [input] : [];
    for (const path of paths) {
      hash.update(`${path}\0`);
      hash.update(readFileSync(join(root, path)));
      hash.update('\0');
    }
  }
  return hash.digest('hex');
}

const isDirectory = (path) => existsSync(join(root, path)) && statSync(join(root, path)).isDirectory();

/** Builds what changed; returns the names of the targets it built. */
export async function buildOnce({ force = false, targets = startTargets() } = {}) {
  const built = [];
  for (const target of targets) {
    const outdir = target.outdir;
    const hash = inputHash(target);
    const stamp = join(outdir, STAMP);
    const current = existsSync(join(outdir, target.output)) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === hash;
    if (current && !force) continue;
    const started = Date.now();
    await target.build(outdir);
    // Written after a successful build only: a failed one is retried on the next start.
    writeFileSync(stamp, `${hash}\n`);
    built.push(target.name);
    process.stderr.write(`built the ${target.name} in ${((Date.now() - started) / 1000).toFixed(1)} s (${relative(root, outdir)})\n`);
  }
  return built;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const { values } = parseArgs({
    options: { force: { type: 'boolean' }, 'console-outdir': { type: 'string' }, 'bundle-outdir': { type: 'string' } },
  });
  const targets = startTargets({ consoleOutdir: values['console-outdir'], bundleOutdir: values['bundle-outdir'] });
  await buildOnce({ force: values.force, targets });
}
