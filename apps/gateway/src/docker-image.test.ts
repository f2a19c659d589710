/**
 * The image, checked without a Docker engine: docker/Dockerfile read as text. The build
 * itself was tried by hand with the npm the base image ships (see the Dockerfile).
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfigDocument } from './routes/config-document.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const dockerfile = readFileSync(join(root, 'docker/Dockerfile'), 'utf8');
const tmp = mkdtempSync(join(tmpdir(), 'sb-uvx-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The Dockerfile's stages: `FROM … AS name` → the instructions under it. */
function stages(): Map<string, string[]> {
  const result = new Map<string, string[]>();
  let current: string[] = [];
  for (const line of dockerfile.replace(/\\\n\s*/g, ' ').split('\n')) {
    const from = /^FROM\s+\S+(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) {
      current = [];
      result.set(from[1] ?? `stage${result.size}`, current);
    } else if (line.trim() && !line.startsWith('#')) current.push(line.trim());
  }
  return result;
}

/** Every workspace directory the root package.json names (`apps/*` expanded). */
function workspaces(): string[] {
  const { workspaces: patterns } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces: string[] };
  return patterns
    .flatMap((p) => (p.endsWith('/*') ? readdirSync(join(root, p.slice(0, -2))).map((d) => `${p.slice(0, -2)}/${d}`) : [p]))
    .filter((dir) => existsSync(join(root, dir, 'package.json')))
    .sort();
}

describe('docker/Dockerfile', () => {
  it('copies every workspace package.json before npm ci (the lockfile names them all)', () => {
    const manifests = stages().get('manifests')!;
    const copied = manifests.flatMap((l) => /^COPY (\S+)\/package\.json \1\/$/.exec(l)?.[1] ?? []).sort();
    expect(workspaces()).toContain('e2e');
    expect(copied).toEqual(workspaces());
  });

  it('installs with the npm of the base image, and only the gateway dependencies at run time', () => {
    expect(dockerfile).not.toMatch(/npm (i|install)\b[^\n]*-g[^\n]*\bnpm\b|corepack/);
    expect(stages().get('prod-deps')!.join('\n')).toMatch(/npm ci --omit=dev --ignore-scripts --workspace @switchboard\/gateway/);
  });

  it('has uv and uvx on the PATH of the runtime image, from Astral’s image', () => {
    const uvStage = /^FROM\s+\$\{UV_IMAGE\}\s+AS\s+uv$/m.test(dockerfile) && /^ARG UV_IMAGE=ghcr\.io\/astral-sh\/uv:\S+$/m.test(dockerfile);
    expect(uvStage).toBe(true);
    expect(stages().get('runtime')).toContain('COPY --from=uv /uv /uvx /usr/local/bin/');
    // Python and packages uvx fetches live on the data volume, writable by the `node` user.
    expect(dockerfile).toMatch(/UV_CACHE_DIR=\/data\//);
  });

  it('the README builds the image with compose (`up -d --build`)', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    expect(readme).toContain('docker compose up -d --build');
    expect(readme).not.toMatch(/docker compose up -d(?! --build)\s/);
  });
});

describe('a uvx upstream (as Claude configs paste it)', () => {
  const raw = { mcpServers: { git: { command: 'uvx', args: ['mcp-server-git', '--repository', '/repo'] } } };

  it('is accepted, with a warning where uvx is not installed', async () => {
    const { doc, warnings } = await parseConfigDocument(raw, { PATH: join(tmp, 'empty') });
    expect(doc.mcpServers.git).toMatchObject({ command: 'uvx', args: ['mcp-server-git', '--repository', '/repo'] });
    expect(warnings).toEqual([expect.stringMatching(/^mcpServers\.git: spawn uvx ENOENT/)]);
  });

  it('resolves on the PATH where uv is installed (as /usr/local/bin/uvx in the image), so spawn would find it', async () => {
    const bin = join(tmp, 'bin');
    rmSync(bin, { recursive: true, force: true });
    mkdirSync(bin);
    writeFileSync(join(bin, 'uvx'), '#!/bin/sh\n');
    // Not executable: spawn would fail (EACCES), so it still warns.
    expect((await parseConfigDocument(raw, { PATH: `${join(tmp, 'empty')}:${bin}` })).warnings).toHaveLength(1);
    chmodSync(join(bin, 'uvx'), 0o755);
    expect((await parseConfigDocument(raw, { PATH: `${join(tmp, 'empty')}:${bin}` })).warnings).toEqual([]);
  });
});
