import { createHash } from 'node:crypto';
import { type FSWatcher, watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { Logger } from 'pino';
import { parseConfigDocument } from '../routes/config-document.ts';
import type { ServiceContext } from './context.ts';
import { importConfig, type ImportSummary } from './config-import.ts';
import { importWithTrail } from './config-import-trail.ts';

export interface ConfigFileOptions {
  path: string;
  ctx: ServiceContext;
  logger: Logger;
  env: Record<string, string | undefined>;
  /** Called after each successful apply (the registry reloads). */
  onApplied: () => Promise<void>;
  debounceMs?: number;
}

/**
 * Configuration as code: the `--config` file is applied at boot and again whenever it
 * changes. It is the source of truth for federation, so upstreams and virtual servers it
 * does not name are removed (`replace`). A broken edit is rejected whole and logged with
 * the path of the first error; the running configuration stays as it was.
 */
export class ConfigFileWatcher {
  private watcher?: FSWatcher;
  private timer?: NodeJS.Timeout;
  private lastHash?: string;
  private applying: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: ConfigFileOptions) {}

  /** Applies the file once; throws (with the reason) if it cannot be read or is invalid. */
  async applyNow(): Promise<ImportSummary | undefined> {
    const text = await readFile(this.options.path, 'utf8');
    const hash = createHash('sha256').update(text).digest('hex');
    if (hash === this.lastHash) return undefined;
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new Error(`${this.options.path}: not valid JSON (${(error as Error).message})`);
    }
    const { doc, warnings } = await parseConfigDocument(raw, this.options.env);
    const { path, ctx } = this.options;
    const actor = { kind: 'config-file' as const, id: null, name: path };
    const summary = await importWithTrail(ctx, { actor, objectName: path }, () => importConfig(ctx, doc, 'replace', { warnings }));
    if (warnings.length) this.options.logger.warn({ path: this.options.path, warnings }, 'configuration file applied with warnings');
    this.lastHash = hash;
    await this.options.onApplied();
    return summary;
  }

  /** Watches the directory (editors replace files by renaming, which a file watch would miss). */
  start() {
    const file = basename(this.options.path);
    this.watcher = watch(dirname(this.options.path), (_event, name) => {
      if (name && name !== file) return;
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.reapply(), this.options.debounceMs ?? 200);
    });
    this.watcher.on('error', (err) => this.options.logger.error({ err }, 'config file watch failed'));
  }

  private reapply() {
    this.applying = this.applying.then(async () => {
      try {
        const summary = await this.applyNow();
        if (summary) this.options.logger.info({ path: this.options.path, summary }, 'configuration file applied');
      } catch (error) {
        this.options.logger.error(
          { path: this.options.path, reason: (error as Error).message },
          'configuration file rejected; the running configuration is unchanged',
        );
      }
    });
  }

  /** Resolves once any apply in progress has finished (for tests). */
  settled() {
    return this.applying;
  }

  close() {
    clearTimeout(this.timer);
    this.watcher?.close();
  }
}
