import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';

/**
 * The built console (a single-page app): static assets, and index.html for any other GET
 * so client-side routes survive a reload. Until the console is built, a short page says how.
 */
export function consoleRoutes(consoleDir: string) {
  const app = new Hono();
  const indexPath = join(consoleDir, 'index.html');
  if (!existsSync(indexPath)) {
    app.get('/', (c) =>
      c.html('<!doctype html><title>Switchboard</title><p>The console is not built. Run <code>npm run build -w @switchboard/console</code>, or use the admin API at <a href="/api/v1/openapi.json">/api/v1</a>.</p>'),
    );
    return app;
  }
  const root = relative(process.cwd(), consoleDir) || '.';
  app.use('/assets/*', serveStatic({ root }));
  app.use('*', serveStatic({ root }));
  app.get('*', async (c) => {
    c.header('Cache-Control', 'no-cache');
    return c.html(await readFile(indexPath, 'utf8'));
  });
  return app;
}
