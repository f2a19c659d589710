/**
 * A client's roots never reach an upstream. Roots name directories on the client's machine,
 * and servers take them as their access boundary (server-filesystem replaces the directories
 * it was configured with by the client's roots): passed on, they would let any user redraw
 * what the administrator configured. The fixture reports the capabilities it was told: a
 * 2026-07-28 upstream reads them from each request's envelope, which the gateway fills in
 * from the end client's own declaration (elicitation must stay, roots must go).
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cleanup, type E2eGateway, openGateway } from './support/gateway.ts';
import { misbehavingEntry } from './support/upstreams.ts';

const SERVER_ID = '7a3c5e9b-1d2f-4a6b-8c0d-2e4f6a8b0c1d';
const CAPABILITIES = { roots: { listChanged: true }, elicitation: { form: {} } };

describe("an end client's roots stay between it and the gateway", () => {
  const cleanup = new Cleanup();
  let gw: E2eGateway;

  beforeAll(async () => {
    gw = await openGateway(cleanup, SERVER_ID, { fixture: misbehavingEntry() });
  });

  afterAll(() => cleanup.run());

  async function capabilitiesSeenUpstream(mode: 'auto' | 'legacy'): Promise<Record<string, unknown>> {
    const client = new Client({ name: `e2e-roots-${mode}`, version: '1.0.0' }, { capabilities: CAPABILITIES, versionNegotiation: { mode } });
    client.setRequestHandler('roots/list', async () => ({ roots: [{ uri: 'file:///', name: 'everything' }] }));
    client.setRequestHandler('elicitation/create', async () => ({ action: 'decline' }));
    const transport = new StreamableHTTPClientTransport(new URL(gw.mcpUrl(SERVER_ID)));
    await client.connect(transport);
    cleanup.add(() => client.close());
    expect(client.getProtocolEra()).toBe(mode === 'auto' ? 'modern' : 'legacy');
    const result = await client.callTool({ name: 'fixture__client_capabilities', arguments: {} });
    const [content] = result.content as Array<{ type: string; text: string }>;
    return JSON.parse(content!.text) as Record<string, unknown>;
  }

  it.each([
    ['a 2026-07-28 client (its envelope)', 'auto'],
    ['a 2025-11-25 session (its initialize)', 'legacy'],
  ] as const)('%s: the upstream hears of elicitation, not of roots', async (_name, mode) => {
    const seen = await capabilitiesSeenUpstream(mode);
    expect(seen).toHaveProperty('elicitation');
    expect(seen).not.toHaveProperty('roots');
  });
});
