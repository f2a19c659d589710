import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { migrationsFolder } from './migrate.ts';

/**
 * The first start on an empty data directory: PGlite runs initdb inside its WebAssembly
 * heap, which only ever grows. Done in the gateway's own process it left it at 366–766 MB
 * RSS until the next restart (~200 MB then); moving it into a worker thread did not give
 * the memory back either (measured: 347 MB). So a short-lived child process creates the
 * cluster and applies the migrations, then exits, and the gateway opens the directory as
 * on any later start (measured: ~200 MB).
 *
 * The child is plain `node -e` requiring the same installed packages by absolute path:
 * no second entry point, works from the sources, the bundle and tests alike.
 */
const CHILD = `
const [pglite, drizzlePglite, migrator, dataDir, options, folder] = process.argv.slice(1);
(async () => {
  const { PGlite } = require(pglite);
  const client = await PGlite.create(dataDir, JSON.parse(options));
  await require(migrator).migrate(require(drizzlePglite).drizzle(client), { migrationsFolder: folder });
  await client.close();
})().catch((error) => {
  process.stderr.write(String(error && error.stack || error));
  process.exit(1);
});
`;

export async function createDataDirInChild(dataDir: string, options: object, folder = migrationsFolder): Promise<void> {
  const require = createRequire(import.meta.url);
  const args = [require.resolve('@electric-sql/pglite'), require.resolve('drizzle-orm/pglite'), require.resolve('drizzle-orm/pglite/migrator')];
  // (spawn passes none of the parent's own flags, a loader or an inspector: only this script runs)
  const child = spawn(process.execPath, ['-e', CHILD, ...args, dataDir, JSON.stringify(options), folder], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`could not create the embedded database in ${dataDir}: ${stderr.trim().slice(0, 2000) || `exit ${code}`}`);
}
