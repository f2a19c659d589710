/**
 * `npm start` builds the console and the gateway bundle only when their sources changed
 * (scripts/build-once.mjs). Built here into temporary directories under dist/ (git-ignored),
 * so this never races the tests that run the real dist/.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const gatewayDir = fileURLToPath(new URL('..', import.meta.url));
const rootDir = join(gatewayDir, '../..');
mkdirSync(join(gatewayDir, 'dist'), { recursive: true });
const out = mkdtempSync(join(gatewayDir, 'dist', 'build-once-'));
// Git-ignored (*.log) yet an input of the console build like any file under apps/console/src.
const probe = join(rootDir, 'apps/console/src/build-once-probe.log');
afterAll(() => {
  rmSync(out, { recursive: true, force: true });
  rmSync(probe, { force: true });
});

async function buildOnce() {
  const started = Date.now();
  const { stderr } = await run(
    process.execPath,
    ['scripts/build-once.mjs', '--console-outdir', join(out, 'console'), '--bundle-outdir', join(out, 'bundle')],
    { cwd: gatewayDir, timeout: 120_000 },
  );
  return { built: [...stderr.matchAll(/^built the (.+) in [\d.]+ s/gm)].map((m) => m[1]), seconds: (Date.now() - started) / 1000 };
}

describe('npm start builds once', () => {
  it('runs build-once, not an unconditional build, before the bundle', () => {
    const root = JSON.parse(readFileSync(join(rootDir, 'package.json'), 'utf8'));
    const gateway = JSON.parse(readFileSync(join(gatewayDir, 'package.json'), 'utf8'));
    expect(root.scripts.start).toBe('npm run start -w @switchboard/gateway');
    expect(gateway.scripts.start).toMatch(/^node scripts\/build-once\.mjs && node (--\S+ )*dist\/index\.js$/);
  });

  it('builds both the first time, nothing when nothing changed, and only what a change touches', async () => {
    const first = await buildOnce();
    expect(first.built).toEqual(['console', 'gateway bundle']);
    expect(existsSync(join(out, 'console/index.html'))).toBe(true);
    expect(existsSync(join(out, 'bundle/index.js'))).toBe(true);

    // The recovery CLI is in the bundle too (the image runs it as dist/admin-token.js).
    const cli = await run(process.execPath, [join(out, 'bundle/admin-token.js')], { env: { PATH: process.env.PATH, SWITCHBOARD_DATA_DIR: join(out, 'no-data') } }).catch(
      (error: { stderr: string }) => error,
    );
    expect(cli.stderr).toContain(`no embedded database in ${join(out, 'no-data')}`);

    const second = await buildOnce();
    expect(second.built).toEqual([]);
    expect(second.seconds).toBeLessThan(first.seconds / 3);

    writeFileSync(probe, `changed ${Date.now()}\n`);
    expect((await buildOnce()).built).toEqual(['console']);

    // A bundle built by other means drops the stamp: the next start rebuilds rather than trust it.
    await run(process.execPath, ['scripts/bundle.mjs', '--outdir', join(out, 'bundle')], { cwd: gatewayDir, timeout: 60_000 });
    expect((await buildOnce()).built).toEqual(['gateway bundle']);
  }, 240_000);
});
