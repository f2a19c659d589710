import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('defaults to the embedded database on port 4444', () => {
    const config = loadConfig({});
    expect(config.port).toBe(4444);
    expect(config.database.kind).toBe('pglite');
    expect(config.publicUrl).toBe('http://localhost:4444');
  });

  it('lists every invalid variable at once', () => {
    const run = () => loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x' });
    expect(run).toThrow(ConfigError);
    try {
      run();
    } catch (error) {
      expect((error as Error).message).toMatch(/PORT:/);
      expect((error as Error).message).toMatch(/LOG_LEVEL:/);
      expect((error as Error).message).toMatch(/DATABASE_URL:/);
    }
  });

  it('requires an explicit key ring with external Postgres', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://db/switchboard' })).toThrow(/SWITCHBOARD_SECRET_KEYS: required/);
    expect(loadConfig({ DATABASE_URL: 'postgres://db/sb', SWITCHBOARD_SECRET_KEYS: 'k:abc' }).database.kind).toBe('postgres');
  });

  it('rejects a short bootstrap admin token and trims the public URL', () => {
    expect(() => loadConfig({ SWITCHBOARD_ADMIN_TOKEN: 'short' })).toThrow(/SWITCHBOARD_ADMIN_TOKEN/);
    expect(loadConfig({ SWITCHBOARD_PUBLIC_URL: 'https://gw.example.com/' }).publicUrl).toBe('https://gw.example.com');
  });

  it('keeps audit events 90 days by default; 0 keeps them forever', () => {
    expect(loadConfig({}).auditRetentionDays).toBe(90);
    expect(loadConfig({ SWITCHBOARD_AUDIT_RETENTION_DAYS: '0' }).auditRetentionDays).toBe(0);
    expect(loadConfig({ SWITCHBOARD_AUDIT_RETENTION_DAYS: '7' }).auditRetentionDays).toBe(7);
    expect(() => loadConfig({ SWITCHBOARD_AUDIT_RETENTION_DAYS: '-1' })).toThrow(/SWITCHBOARD_AUDIT_RETENTION_DAYS/);
  });

  it('isolates up to 8 client sessions per upstream by default; 0 disables', () => {
    expect(loadConfig({}).maxIsolatedSessions).toBe(8);
    expect(loadConfig({ SWITCHBOARD_MAX_ISOLATED_SESSIONS: '0' }).maxIsolatedSessions).toBe(0);
    expect(loadConfig({ SWITCHBOARD_MAX_ISOLATED_SESSIONS: '32' }).maxIsolatedSessions).toBe(32);
    expect(() => loadConfig({ SWITCHBOARD_MAX_ISOLATED_SESSIONS: '-1' })).toThrow(/SWITCHBOARD_MAX_ISOLATED_SESSIONS/);
    expect(() => loadConfig({ SWITCHBOARD_MAX_ISOLATED_SESSIONS: 'many' })).toThrow(/SWITCHBOARD_MAX_ISOLATED_SESSIONS/);
  });

  it('has separate, documented body limits: 1 MiB for the admin API and OAuth, 4 MiB for MCP requests', () => {
    expect(loadConfig({})).toMatchObject({ maxBodyBytes: 1_048_576, maxMcpBodyBytes: 4_194_304 });
    expect(loadConfig({ SWITCHBOARD_MAX_MCP_BODY_BYTES: '65536' }).maxMcpBodyBytes).toBe(65_536);
    expect(() => loadConfig({ SWITCHBOARD_MAX_MCP_BODY_BYTES: '10' })).toThrow(/SWITCHBOARD_MAX_MCP_BODY_BYTES/);
  });

  it('bounds slow clients, database waits and replica staleness by default', () => {
    expect(loadConfig({}).httpTimeouts).toEqual({ headersMs: 10_000, requestMs: 30_000 });
    expect(loadConfig({ SWITCHBOARD_REQUEST_TIMEOUT_MS: '5000' }).httpTimeouts).toEqual({ headersMs: 5000, requestMs: 5000 });
    expect(loadConfig({}).replicaCheckIntervalMs).toBe(2000);
    const pg = loadConfig({ DATABASE_URL: 'postgres://db/sb', SWITCHBOARD_SECRET_KEYS: 'k:abc' }).database;
    expect(pg).toMatchObject({ connectTimeoutMs: 5000, statementTimeoutMs: 30_000 });
  });
});
