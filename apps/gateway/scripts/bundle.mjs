#!/usr/bin/env node
/**
 * The production build of the gateway: one ESM file per entry point in apps/gateway/dist/,
 * run by plain `node`. Under tsx the gateway carries a second V8 isolate (tsx's loader
 * thread, ~22–37 MB RSS) and transpiles on every start; the bundle has neither.
 *
 * npm packages stay external (installed node_modules are used as they are); our workspace
 * packages export TypeScript sources, so they are bundled in.
 *
 *   node scripts/bundle.mjs [--outdir DIR] [--metafile]
 *
 * `--metafile` also writes meta.json, to see what went in (https://esbuild.github.io/analyze/).
 * `--outdir` exists for the test that proves paths do not depend on where the bundle is.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const gatewayDir = fileURLToPath(new URL('..', import.meta.url));

/** `dist/<name>.js` ← source. The CLIs are bundled too, so the image needs no tsx. */
const entryPoints = {
  index: 'src/index.ts',
  rekey: 'src/cli/rekey.ts',
  keygen: 'src/cli/keygen.ts',
  'admin-token': 'src/cli/admin-token.ts',
};

/**
 * `packages: 'external'` also leaves `@switchboard/*` external (esbuild's own resolver says
 * so), and Node cannot run their `.ts` exports. Node's resolver maps them to their source
 * files instead (one hoisted copy of each in the root node_modules), which bundles them in.
 */
const bundleWorkspacePackages = {
  name: 'bundle-workspace-packages',
  setup(b) {
    b.onResolve({ filter: /^@switchboard\// }, (args) => ({ path: fileURLToPath(import.meta.resolve(args.path)) }));
  },
};

/**
 * Sources find files beside them with `new URL('../../…', import.meta.url)` (migrations,
 * the console's dist). In a bundle every module shares the bundle's URL, so each source's
 * `import.meta.url` is rewritten to its own original location, computed from the bundle's
 * URL at run time: paths resolve as they do under tsx wherever the repository is.
 */
const keepSourceUrls = (outdir) => ({
  name: 'keep-source-urls',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      if (args.path.includes(`${sep}node_modules${sep}`)) return undefined;
      const contents = await readFile(args.path, 'utf8');
      if (!contents.includes('import.meta.url')) return undefined;
      const fromBundle = relative(outdir, args.path).split(sep).join('/');
      const url = `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`;
      return { contents: contents.replaceAll('import.meta.url', url), loader: 'ts', resolveDir: dirname(args.path) };
    });
  },
});

export async function bundle({ outdir = resolve(gatewayDir, 'dist'), metafile = false } = {}) {
  // This build may be from other sources than build-once.mjs last stamped: drop its stamp.
  await rm(resolve(outdir, '.build-hash'), { force: true });
  const result = await build({
    absWorkingDir: gatewayDir,
    entryPoints,
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    plugins: [bundleWorkspacePackages, keepSourceUrls(outdir)],
    // Stack traces in logs point into the bundle; `node --enable-source-maps` maps them back.
    sourcemap: 'linked',
    metafile,
    logLevel: 'warning',
  });
  if (metafile) await writeFile(resolve(outdir, 'meta.json'), JSON.stringify(result.metafile));
  return result;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const { values } = parseArgs({ options: { outdir: { type: 'string' }, metafile: { type: 'boolean' } } });
  await bundle({ outdir: values.outdir && resolve(values.outdir), metafile: values.metafile });
}
