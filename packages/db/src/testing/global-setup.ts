import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../client.ts';
import { migrateDatabase } from '../migrate.ts';
import { startPostgresServer } from './postgres-server.ts';
import type {} from './test-database.ts';

const TEMPLATE = 'sb_template';

/**
 * Vitest global setup: one real PostgreSQL server per test run, shared by all files, with
 * one migrated template database that each test database is copied from (`create
 * database … template`: no migrations per test).
 */
export default async function setup(project: TestProject) {
  const server = await startPostgresServer();
  const admin = postgres(server.url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${TEMPLATE}`);
  await admin.end();
  const url = new URL(server.url);
  url.pathname = `/${TEMPLATE}`;
  // (closed before any copy: a template must have no open connections)
  const template = await openDatabase({ kind: 'postgres', url: url.toString() });
  try {
    await migrateDatabase(template);
  } finally {
    await template.close();
  }
  project.provide('postgresUrl', server.url);
  project.provide('postgresTemplate', TEMPLATE);
  return () => server.stop();
}
