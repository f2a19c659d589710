/**
 * The per-upstream protocol pin (`protocol: auto | legacy`) from the admin API to the
 * live connection: stored and read back on both databases, applied to a running upstream
 * by reconnecting it, and honoured by the connection test. The upstream is the conformance
 * fixture over stdio, which speaks both eras (auto negotiation picks 2026-07-28).
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { fixtureStdio } from '@switchboard/core/upstream/test-upstreams';
import { backends } from '@switchboard/db/testing/test-database';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixtureGateway, createTestGateway, json, type TestGateway } from '../testing/test-gateway.ts';

const fixture = fixtureStdio();
const definition = { transport: 'stdio', command: fixture.command, args: fixture.args, cwd: fixture.cwd } as const;
const SERVER_ID = '5e2a9c4b-7d1f-4b3e-8a6c-0f9d2b4e6a81';

describe.each(backends)('the protocol pin stored on %s', (backend) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await createTestGateway(backend);
  });
  afterAll(() => gw.close());

  it('is stored, read back, defaulted to auto and patched', async () => {
    const created = await gw.api('POST', '/api/v1/upstreams', { name: 'pinned', ...definition, protocol: 'legacy' });
    expect(created.status).toBe(201);
    const { id } = await json(created);
    expect((await json(gw.api('GET', `/api/v1/upstreams/${id}`))).protocol).toBe('legacy');

    const plain = await json(gw.api('POST', '/api/v1/upstreams', { name: 'plain', ...definition }));
    expect(plain.protocol).toBe('auto');
    const listed = (await json(gw.api('GET', '/api/v1/upstreams'))).items.map((u: { name: string; protocol: string }) => [u.name, u.protocol]);
    expect(listed).toEqual(expect.arrayContaining([['pinned', 'legacy'], ['plain', 'auto']]));

    expect((await json(gw.api('PATCH', `/api/v1/upstreams/${id}`, { protocol: 'auto' }))).protocol).toBe('auto');
    expect((await json(gw.api('GET', `/api/v1/upstreams/${id}`))).protocol).toBe('auto');
    // a patch that does not mention it keeps it
    await gw.api('PATCH', `/api/v1/upstreams/${plain.id}`, { protocol: 'legacy' });
    expect((await json(gw.api('PATCH', `/api/v1/upstreams/${plain.id}`, { description: 'x' }))).protocol).toBe('legacy');

    const bad = await gw.api('PATCH', `/api/v1/upstreams/${id}`, { protocol: 'modern' });
    expect(bad.status).toBe(400);
    expect((await json(bad)).error.message).toBe('protocol: Invalid option: expected one of "auto"|"legacy"');
  });
});

describe('the protocol pin on a live upstream', () => {
  let gw: TestGateway;
  let upstreamId: string;
  beforeAll(async () => {
    gw = await createFixtureGateway('pglite', SERVER_ID);
    upstreamId = (await json(gw.api('GET', '/api/v1/upstreams'))).items[0].id;
  });
  afterAll(() => gw.close());

  /** One tool call through the virtual server, then the era the upstream was reached with. */
  async function callThenVersion(): Promise<string | null> {
    const client = new Client({ name: 'test', version: '1' });
    const transport = new StreamableHTTPClientTransport(new URL(`http://localhost/servers/${SERVER_ID}/mcp`), {
      fetch: (url, init) => gw.fetch(String(url), init as RequestInit),
    });
    await client.connect(transport);
    try {
      const result = await client.callTool({ name: 'fx__test_simple_text', arguments: {} });
      expect(result.content).toEqual([{ type: 'text', text: 'This is a simple text response for testing.' }]);
    } finally {
      await client.close();
    }
    return (await json(gw.api('GET', `/api/v1/upstreams/${upstreamId}`))).status.protocolVersion;
  }

  it('reconnects the upstream when its pin changes, in the era it names', async () => {
    expect(await callThenVersion()).toBe('2026-07-28');
    const patched = await gw.api('PATCH', `/api/v1/upstreams/${upstreamId}`, { protocol: 'legacy' });
    expect(patched.status).toBe(200);
    expect(await callThenVersion()).toMatch(/^2025-/);
    await gw.api('PATCH', `/api/v1/upstreams/${upstreamId}`, { protocol: 'auto' });
    expect(await callThenVersion()).toBe('2026-07-28');
  });

  it('tests a definition before it is saved in the era it names', async () => {
    const pinned = await json(gw.api('POST', '/api/v1/upstreams/test', { name: 'candidate', ...definition, protocol: 'legacy' }));
    expect(pinned).toMatchObject({ ok: true, protocolVersion: expect.stringMatching(/^2025-/) });
    const auto = await json(gw.api('POST', '/api/v1/upstreams/test', { name: 'candidate', ...definition }));
    expect(auto).toMatchObject({ ok: true, protocolVersion: '2026-07-28' });
  });
});
