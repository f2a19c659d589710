import type { TestProject } from 'vitest/node';
import { startPostgresServer } from './postgres-server.ts';
import type {} from './test-database.ts';

/** Vitest global setup: one real PostgreSQL server per test run, shared by all files. */
export default async function setup(project: TestProject) {
  const server = await startPostgresServer();
  project.provide('postgresUrl', server.url);
  return () => server.stop();
}
