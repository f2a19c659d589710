import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const packageJson = fileURLToPath(new URL('../../package.json', import.meta.url));

/**
 * The node flags `npm start` runs the bundle with (the `--…` between `node` and
 * `dist/index.js` in the gateway's start script): what the bundle test boots with and the
 * bench measures by default, and what the Docker image's CMD must repeat.
 */
export function startNodeFlags(): string[] {
  const { scripts } = JSON.parse(readFileSync(packageJson, 'utf8')) as { scripts: Record<string, string> };
  const flags = /\bnode((?: --\S+)*) dist\/index\.js/.exec(scripts.start ?? '');
  if (!flags) throw new Error('apps/gateway/package.json: the start script no longer runs `node … dist/index.js`');
  return flags[1]!.trim().split(' ').filter(Boolean);
}
