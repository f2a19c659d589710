import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixtureGateway, json, type TestGateway } from '../testing/test-gateway.ts';

const SERVER_ID = '9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d';

describe('open sessions', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await createFixtureGateway('pglite', SERVER_ID);
  });
  afterAll(() => gw.close());

  it('counts the 2025-era sessions open on each virtual server, and needs an admin credential', async () => {
    expect(await json(gw.api('GET', '/api/v1/sessions'))).toEqual({ total: 0, byVirtualServer: [] });
    const client = new Client({ name: 'test', version: '1' }, { versionNegotiation: { mode: 'legacy' } });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`http://localhost/servers/${SERVER_ID}/mcp`), {
        fetch: (url, init) => gw.fetch(String(url), init as RequestInit),
      }),
    );
    expect(await json(gw.api('GET', '/api/v1/sessions'))).toEqual({ total: 1, byVirtualServer: [{ virtualServerId: SERVER_ID, sessions: 1 }] });
    await client.close();
    expect((await gw.api('GET', '/api/v1/sessions', undefined, null)).status).toBe(401);
  });
});
