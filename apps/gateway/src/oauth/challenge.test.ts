import { backends } from '@switchboard/db/testing/test-database';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initializeRequest } from '../testing/oauth-helpers.ts';
import { createTestGateway, json, type TestGateway } from '../testing/test-gateway.ts';
import { mcpKeyFor } from '../testing/mcp-keys.ts';

const ISSUER = 'https://gw.example.com';

describe.each(backends)('the challenge of an api-key virtual server on %s', (backend) => {
  let gw: TestGateway;
  let url: string;
  let serverId: string;

  beforeAll(async () => {
    gw = await createTestGateway(backend);
    serverId = (await json(gw.api('POST', '/api/v1/virtual-servers', { name: 'keyed', authMode: 'api-key', defaultAccess: 'allow' }))).id;
    url = `${ISSUER}/servers/${serverId}/mcp`;
  });
  afterAll(() => gw?.close());

  it('names the API key as what is needed and points at no OAuth metadata', async () => {
    for (const token of [undefined, 'sb_not-a-real-key']) {
      const response = await gw.fetch(url, initializeRequest(token));
      expect(response.status).toBe(401);
      const challenge = response.headers.get('www-authenticate')!;
      expect(challenge).toMatch(/^Bearer realm="switchboard", error="invalid_token", error_description="this server takes an API key[^"]*"$/);
      expect(challenge).not.toContain('resource_metadata');
    }
    // No protected-resource metadata either: nothing for a client to start OAuth with.
    expect((await gw.fetch(`${ISSUER}/.well-known/oauth-protected-resource/servers/${serverId}/mcp`)).status).toBe(404);
    // an admin API token is the wrong kind of key: 403, saying which kind is needed
    const admin = await gw.fetch(url, initializeRequest(gw.adminToken));
    expect(admin.status).toBe(403);
    expect(admin.headers.get('www-authenticate')).toMatch(/error="insufficient_scope", error_description="this is an admin API token: MCP endpoints take a personal MCP key/);
    const { token } = await mcpKeyFor(gw, 'client@example.com');
    expect((await gw.fetch(url, initializeRequest(token))).status).toBe(200);
  });
});
