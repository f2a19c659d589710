import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { ROOT } from '@switchboard/core/upstream/test-upstreams';

export const CONSOLE_DIST = join(ROOT, 'apps/console/dist');

/** Builds the console as `npm start` would (vite build into apps/console/dist). */
export async function buildConsole(): Promise<string> {
  const child = spawn(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: join(ROOT, 'apps/console'),
    // vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`console build failed (${code}):\n${output}`);
  return CONSOLE_DIST;
}
