import { upstreams } from '@switchboard/db/schema';
import { backends } from '@switchboard/db/testing/test-database';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, json, type TestGateway } from '../testing/test-gateway.ts';

const document = {
  mcpServers: {
    everything: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-everything'], autoApprove: ['echo'] },
    docs: { type: 'http', url: 'https://docs.example.com/mcp', headers: { Authorization: 'Bearer ${DOCS_TOKEN}' }, protocol: 'legacy' },
    legacy: { type: 'sse', url: 'http://127.0.0.1:9000/sse', disabled: true },
  },
  virtualServers: {
    dev: {
      id: '0b5e7c1a-9d2f-4c7e-8a51-3f6d2e9b1c40',
      upstreams: ['everything', 'docs'],
      tools: [{ upstream: 'legacy', name: 'search', exposedName: 'old_search' }],
      prefix: 'always',
      auth: 'oauth',
    },
  },
  users: {
    'Alice@Example.com': {
      name: 'Alice',
      password: '${ALICE_PASSWORD:-correct horse battery}',
      roles: ['eng'],
      allowed_tools: ['everything:*', 'docs:search'],
    },
  },
  roles: { eng: { allowed_tools: ['docs:*'], denied_tools: ['docs:delete_*'] } },
  policies: [{ subject: 'role:eng', virtualServer: 'dev', kind: 'resource', pattern: 'docs:*' }],
};

describe.each(backends)('configuration document on %s', (backend) => {
  let gw: TestGateway;
  beforeAll(async () => {
    // PATH: the import looks stdio commands up where the gateway would spawn them.
    gw = await createTestGateway(backend, { DOCS_TOKEN: 'docs-token-value', PATH: process.env.PATH ?? '' });
  });
  afterAll(() => gw.close());

  it('imports a document and exports it back faithfully, secrets as placeholders', async () => {
    const res = await gw.api('POST', '/api/v1/import', document);
    expect(res.status).toBe(200);
    const summary = await json(res);
    expect(summary.upstreams).toEqual({ created: 3, updated: 0, deleted: 0 });
    expect(summary.virtualServers.created).toBe(1);

    const exported = await json(gw.api('GET', '/api/v1/export'));
    // `protocol` is written only when pinned (auto is the default)
    expect(exported.mcpServers.everything).toEqual({ command: 'npx', args: ['-y', '@modelcontextprotocol/server-everything'] });
    expect(exported.mcpServers.docs).toEqual({
      type: 'streamable-http',
      url: 'https://docs.example.com/mcp',
      headers: { Authorization: '${DOCS_AUTHORIZATION}' },
      protocol: 'legacy',
    });
    expect(exported.mcpServers.legacy).toEqual({ type: 'sse', url: 'http://127.0.0.1:9000/sse', disabled: true });
    expect(exported.virtualServers.dev).toMatchObject({
      id: '0b5e7c1a-9d2f-4c7e-8a51-3f6d2e9b1c40',
      upstreams: ['everything', 'docs'],
      tools: [{ upstream: 'legacy', name: 'search', exposedName: 'old_search' }],
      prefix: 'always',
      auth: 'oauth',
    });
    expect(exported.users['alice@example.com']).toEqual({
      name: 'Alice',
      roles: ['eng'],
      allowed_tools: ['docs:search', 'everything:*'],
      denied_tools: [],
    });
    expect(exported.roles.eng).toEqual({ allowed_tools: ['docs:*'], denied_tools: ['docs:delete_*'] });
    expect(exported.policies).toEqual([
      { subject: 'role:eng', virtualServer: 'dev', effect: 'allow', kind: 'resource', pattern: 'docs:*' },
    ]);
    expect(JSON.stringify(exported)).not.toContain('docs-token-value');

    // The virtual server is addressable under the id the document gave it.
    const vs = await json(gw.api('GET', '/api/v1/virtual-servers/0b5e7c1a-9d2f-4c7e-8a51-3f6d2e9b1c40'));
    expect(vs.url).toBe('https://gw.example.com/servers/0b5e7c1a-9d2f-4c7e-8a51-3f6d2e9b1c40/mcp');
    expect(vs.entries).toHaveLength(3);
  });

  it('re-importing the same document changes nothing and duplicates nothing', async () => {
    const before = await json(gw.api('GET', '/api/v1/export'));
    const summary = await json(gw.api('POST', '/api/v1/import', document));
    expect(summary.upstreams).toEqual({ created: 0, updated: 3, deleted: 0 });
    expect(summary.policies.created).toBe(summary.policies.deleted);
    expect(await json(gw.api('GET', '/api/v1/export'))).toEqual(before);
  });

  it('rejects an invalid document whole, naming the path, and writes nothing', async () => {
    const before = await json(gw.api('GET', '/api/v1/export'));
    const bad = {
      mcpServers: { fresh: { command: 'node', args: ['x.js'] } },
      virtualServers: { broken: { upstreams: ['fresh', 'does-not-exist'] } },
    };
    const res = await gw.api('POST', '/api/v1/import', bad);
    expect(res.status).toBe(400);
    expect((await json(res)).error.message).toBe('virtualServers.broken.upstreams.1: no upstream named "does-not-exist"');
    expect(await json(gw.api('GET', '/api/v1/export'))).toEqual(before);

    const schemaError = await gw.api('POST', '/api/v1/import', { mcpServers: { x: { type: 'http' } } });
    expect(schemaError.status).toBe(400);
    expect((await json(schemaError)).error.message).toMatch(/^mcpServers\.x/);

    const badProtocol = await gw.api('POST', '/api/v1/import', { mcpServers: { z: { command: 'node', protocol: 'modern' } } });
    expect(badProtocol.status).toBe(400);
    expect((await json(badProtocol)).error.message).toBe('mcpServers.z.protocol: Invalid option: expected one of "auto"|"legacy"');

    const missingVar = await gw.api('POST', '/api/v1/import', { mcpServers: { y: { command: '${NOT_SET_ANYWHERE}' } } });
    expect((await json(missingVar)).error.message).toBe(
      'mcpServers.y.command: environment variable NOT_SET_ANYWHERE is not set (use ${NOT_SET_ANYWHERE:-default} for a default)',
    );
    const unknownKey = await gw.api('POST', '/api/v1/import', { mcpServer: {} });
    expect((await json(unknownKey)).error.message).toBe('(body): unknown key "mcpServer" (did you mean "mcpServers"?)');
  });

  it('a dry run of a replace answers what would be created, updated and deleted, per kind and by name, and applies nothing', async () => {
    const before = await json(gw.api('GET', '/api/v1/export'));
    const preview = { mcpServers: { everything: document.mcpServers.everything, fresh: { command: 'node' } }, virtualServers: { solo: { upstreams: ['everything'] } } };
    const res = await gw.api('POST', '/api/v1/import?mode=replace&dryRun=true', preview);
    expect(res.status).toBe(200);
    const summary = await json(res);
    expect(summary.dryRun).toBe(true);
    expect(summary.upstreams).toEqual({ created: 1, updated: 1, deleted: 2 });
    expect(summary.virtualServers).toEqual({ created: 1, updated: 0, deleted: 1 });
    const byAction = (action: string) =>
      summary.changes
        .filter((c: { action: string }) => c.action === action)
        .map((c: { kind: string; name: string }) => `${c.kind}:${c.name}`)
        .sort();
    expect(byAction('deleted')).toEqual(['upstream:docs', 'upstream:legacy', 'virtualServer:dev']);
    expect(byAction('created')).toEqual(['upstream:fresh', 'virtualServer:solo']);
    expect(byAction('updated')).toEqual(['upstream:everything']);
    expect(await json(gw.api('GET', '/api/v1/export'))).toEqual(before);
    // The same checks as a real import: a bad document is refused, not previewed.
    const bad = await gw.api('POST', '/api/v1/import?dryRun=true', { virtualServers: { x: { upstreams: ['nope'] } } });
    expect(bad.status).toBe(400);
    expect((await gw.api('POST', '/api/v1/import?dryRun=maybe', preview)).status).toBe(400);
  });

  it('re-importing an export with its ${VAR} placeholders unset keeps the stored secrets, and says which', async () => {
    const exported = await json(gw.api('GET', '/api/v1/export'));
    expect(exported.mcpServers.docs.headers).toEqual({ Authorization: '${DOCS_AUTHORIZATION}' });
    const stored = async () => {
      const [row] = await gw.database.db.select().from(upstreams).where(eq(upstreams.name, 'docs'));
      return gw.ctx.secrets.decrypt(row!.headers.Authorization!);
    };
    const kept = [{ upstream: 'docs', secret: 'headers.Authorization', variable: 'DOCS_AUTHORIZATION' }];
    const preview = await json(gw.api('POST', '/api/v1/import?dryRun=true', exported));
    expect(preview.keptSecrets).toEqual(kept);
    const res = await gw.api('POST', '/api/v1/import', exported);
    expect(res.status).toBe(200);
    const summary = await json(res);
    expect(summary.keptSecrets).toEqual(kept);
    expect(summary.upstreams.updated).toBe(3);
    expect(await stored()).toBe('Bearer docs-token-value');
    expect(await json(gw.api('GET', '/api/v1/export'))).toEqual(exported);

    // A value that is set replaces the stored one; a secret left out of the document is removed.
    const changed = { mcpServers: { ...exported.mcpServers, docs: { ...exported.mcpServers.docs, headers: { Authorization: 'Bearer ${DOCS_TOKEN}x' } } } };
    expect((await json(gw.api('POST', '/api/v1/import', changed))).keptSecrets).toEqual([]);
    expect(await stored()).toBe('Bearer docs-token-valuex');

    // Nothing stored to keep: a new upstream, or a secret the stored one does not have, is refused whole.
    const fresh = await gw.api('POST', '/api/v1/import', { mcpServers: { fresh: { type: 'http', url: 'https://x.example.com/mcp', bearerToken: '${FRESH_TOKEN}' } } });
    expect(fresh.status).toBe(400);
    expect((await json(fresh)).error).toEqual({
      code: 'invalid_config',
      message: 'mcpServers.fresh.bearerToken: environment variable FRESH_TOKEN is not set and the gateway stores no value to keep (set it, or use ${FRESH_TOKEN:-default})',
    });
    const newKey = { mcpServers: { docs: { ...exported.mcpServers.docs, headers: { Authorization: '${DOCS_AUTHORIZATION}', 'X-Tenant': '${DOCS_TENANT}' } } } };
    const refused = await gw.api('POST', '/api/v1/import', newKey);
    expect((await json(refused)).error.message).toMatch(/^mcpServers\.docs\.headers\.X-Tenant: environment variable DOCS_TENANT is not set/);
    expect(await stored()).toBe('Bearer docs-token-valuex');
    // Outside secrets an unset variable is still an error.
    const url = await gw.api('POST', '/api/v1/import', { mcpServers: { docs: { type: 'http', url: '${DOCS_URL}' } } });
    expect((await json(url)).error.message).toMatch(/^mcpServers\.docs\.url: environment variable DOCS_URL is not set/);
  });

  it('replace mode removes upstreams and virtual servers the document does not name', async () => {
    const res = await gw.api('POST', '/api/v1/import?mode=replace', {
      mcpServers: { everything: document.mcpServers.everything },
      virtualServers: { solo: { upstreams: ['everything'] } },
    });
    const summary = await json(res);
    expect(summary.upstreams.deleted).toBe(2);
    expect(summary.virtualServers.deleted).toBe(1);
    expect(summary.dryRun).toBe(false);
    expect(summary.changes).toContainEqual({ kind: 'virtualServer', name: 'dev', action: 'deleted' });
    const exported = await json(gw.api('GET', '/api/v1/export'));
    expect(Object.keys(exported.mcpServers)).toEqual(['everything']);
    expect(Object.keys(exported.virtualServers)).toEqual(['solo']);
    expect(Object.keys(exported.users)).toEqual(['alice@example.com']); // users are never removed by import
  });

  it('rejects a typo in our own sections whole, naming the path and the key it meant', async () => {
    const before = await json(gw.api('GET', '/api/v1/export'));
    const res = await gw.api('POST', '/api/v1/import', {
      mcpServers: { typo: { command: 'node' } },
      virtualServers: { dev: { upstreams: ['typo'], defaultAcess: 'allow' } },
    });
    expect(res.status).toBe(400);
    expect((await json(res)).error).toEqual({
      code: 'invalid_config',
      message: 'virtualServers.dev: unknown key "defaultAcess" (did you mean "defaultAccess"?)',
    });
    const names = await gw.api('POST', '/api/v1/import', { mcpServers: { 'My Server': { command: 'node' }, broken: {} } });
    expect((await json(names)).error.message).toBe(
      'mcpServers.My Server: invalid upstream name: must be 1-48 letters, digits, "_" or "-", starting with a letter or digit; ' +
        'mcpServers.broken: expected either "command" (a stdio server, with optional args, env, cwd) or "type" + "url" (type "http", "streamable-http" or "sse")',
    );
    expect(await json(gw.api('GET', '/api/v1/export'))).toEqual(before);
  });

  it('re-imports its own export: every key an export writes is one the import knows', async () => {
    const exported = await json(gw.api('GET', '/api/v1/export'));
    const res = await gw.api('POST', '/api/v1/import', exported);
    expect(res.status).toBe(200);
    expect((await json(res)).warnings.filter((w: string) => w.includes('ignored'))).toEqual([]);
  });

  it('applies mcpServers entries with keys it ignores or commands it cannot find, and says so', async () => {
    const res = await gw.api('POST', '/api/v1/import', {
      mcpServers: {
        typo: { command: 'node', enviroment: { A: '1' }, autoApprove: ['echo'] },
        missing: { command: 'no-such-mcp-server-7f3a', args: ['--stdio'] },
        relative: { command: './bin/server', cwd: '/nonexistent' },
        fine: { command: 'node', args: ['server.js'] },
      },
    });
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.upstreams.created).toBe(4);
    expect(body.warnings).toEqual([
      'mcpServers.typo: ignored keys "enviroment" (did you mean "env"?), "autoApprove"',
      'mcpServers.missing: spawn no-such-mcp-server-7f3a ENOENT — "no-such-mcp-server-7f3a" was not found on PATH on the gateway host; the upstream will not start until it is installed',
      'mcpServers.relative: spawn ./bin/server ENOENT — "./bin/server" was not found on the gateway host; the upstream will not start until it is installed',
    ]);
    // An entry's own PATH is where spawn looks: the same command found there warns nothing.
    const withPath = await json(gw.api('POST', '/api/v1/import', { mcpServers: { typo: { command: 'node' }, missing: { command: 'no-such-mcp-server-7f3a', env: { PATH: '/nonexistent' } } } }));
    expect(withPath.warnings).toHaveLength(1);
    const clean = await json(gw.api('POST', '/api/v1/import', { mcpServers: { fine: { command: 'node', args: ['server.js'] } } }));
    expect(clean.warnings).toEqual([]);
  });
});

describe('configuration document and the gateway environment', () => {
  it('cannot read the gateway own secrets through ${VAR}', async () => {
    const { substitutionEnv } = await import('../config.ts');
    const env = substitutionEnv({ DATABASE_URL: 'postgres://u:p@h/db', SWITCHBOARD_SECRET_KEYS: 'k', HOME: '/root' });
    expect(env).toEqual({ HOME: '/root' });
  });
});
