import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixtureGateway, json, type TestGateway } from '../testing/test-gateway.ts';

const SERVER_ID = '7a2e4c6b-1d3f-4a5b-8c9d-0e1f2a3b4c5d';

describe('re-enabling a lazily connected upstream', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await createFixtureGateway('pglite', SERVER_ID);
  });
  afterAll(() => gw?.close());

  it('tells open sessions tools/list_changed without waiting for a client to list tools', async () => {
    const upstreamId = (await json(gw.api('GET', '/api/v1/upstreams'))).items[0].id;
    const client = new Client({ name: 'test', version: '1' }, { versionNegotiation: { mode: 'legacy' } });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`http://localhost/servers/${SERVER_ID}/mcp`), { fetch: (url, init) => gw.fetch(String(url), init as RequestInit) }),
    );
    let heard = 0;
    let onChange = () => {};
    client.setNotificationHandler('notifications/tools/list_changed', () => {
      heard++;
      onChange();
    });
    const nextChange = (ms: number) =>
      new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), ms);
        onChange = () => {
          clearTimeout(timer);
          resolve(true);
        };
      });
    expect((await client.listTools()).tools.map((t) => t.name)).toContain('fx__test_simple_text');

    const disabled = nextChange(5000);
    expect((await gw.api('PATCH', `/api/v1/upstreams/${upstreamId}`, { enabled: false })).status).toBe(200);
    expect(await disabled).toBe(true);

    const before = heard;
    const enabled = nextChange(10_000);
    expect((await gw.api('PATCH', `/api/v1/upstreams/${upstreamId}`, { enabled: true })).status).toBe(200);
    // Nobody lists tools meanwhile: the gateway connects the upstream and announces its tools itself.
    expect(await enabled).toBe(true);
    expect(heard).toBe(before + 1);
    expect((await client.listTools()).tools.map((t) => t.name)).toContain('fx__test_simple_text');
    await client.close();
  });
});
