import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import type { ConfigDocument } from '@switchboard/core/contracts/config-document';

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * Where `spawn(command)` would find the program, without running it: a name is looked up
 * on PATH (the upstream's own `env.PATH` when it sets one, as spawn does), a path with a
 * slash is taken relative to the upstream's `cwd`. Undefined when spawn would fail ENOENT.
 */
export async function findExecutable(command: string, options: { path?: string; cwd?: string }): Promise<string | undefined> {
  const cwd = resolve(options.cwd ?? process.cwd());
  if (command.includes('/')) {
    const file = isAbsolute(command) ? command : resolve(cwd, command);
    return (await isExecutableFile(file)) ? file : undefined;
  }
  for (const dir of (options.path ?? '').split(delimiter)) {
    if (!dir) continue;
    const file = join(resolve(cwd, dir), command);
    if (await isExecutableFile(file)) return file;
  }
  return undefined;
}

/**
 * Stdio upstreams whose command cannot be started on this host. The import still applies
 * them (the program may be installed later), but the person learns now rather than from
 * the first failed connection. `path` is the gateway's own PATH (what upstreams inherit).
 */
export async function commandWarnings(doc: ConfigDocument, path: string | undefined): Promise<string[]> {
  const warnings: string[] = [];
  for (const [name, server] of Object.entries(doc.mcpServers)) {
    if (!('command' in server)) continue;
    const found = await findExecutable(server.command, { path: server.env.PATH ?? path, cwd: server.cwd });
    if (!found) {
      warnings.push(
        `mcpServers.${name}: spawn ${server.command} ENOENT — "${server.command}" was not found ${server.command.includes('/') ? '' : 'on PATH '}on the gateway host; the upstream will not start until it is installed`,
      );
    }
  }
  return warnings;
}
