import { fixtureStdio, misbehaving, waitFor } from '@switchboard/core/upstream/test-upstreams';
import { auditEvents } from '@switchboard/db/schema';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, json, type TestGateway } from '../testing/test-gateway.ts';
import { serverSentEvents } from '../testing/sse-events.ts';

const fixture = fixtureStdio();
const slow = misbehaving();
const SERVER_ID = '3d9b6a20-7e41-4c5f-9a2b-8e1f0c6d4a51';
const ALICE = 'alice@example.com';

/**
 * Issue 18 #12: the playground as an inspector — resources, templates, prompts with
 * arguments and completions, progress, the raw JSON-RPC exchange — always as a person,
 * through the one pipeline and the same access policy as MCP clients.
 */
describe('playground inspector', () => {
  let gw: TestGateway;
  const base = `/api/v1/virtual-servers/${SERVER_ID}/playground`;
  const asAlice = { asUser: ALICE };

  beforeAll(async () => {
    gw = await createTestGateway('pglite');
    const res = await gw.api('POST', '/api/v1/import', {
      mcpServers: {
        fx: { command: fixture.command, args: fixture.args, cwd: fixture.cwd },
        slow: { command: slow.command, args: slow.args, cwd: slow.cwd },
      },
      virtualServers: { inspect: { id: SERVER_ID, upstreams: ['fx', 'slow'], defaultAccess: 'deny' } },
      users: { [ALICE]: { allowed_tools: ['fx:test_tool_with_progress', 'slow:slow_echo'] } },
      policies: [
        { subject: `user:${ALICE}`, kind: 'prompt', pattern: 'fx:test_prompt_with_arguments' },
        { subject: `user:${ALICE}`, kind: 'resource', pattern: 'fx:test://*' },
      ],
    });
    expect(res.status).toBe(200);
    // (the stdio fixture may take longer to start than one request waits on this busy machine)
    await waitFor(async () => (await json(gw.api('GET', `${base}/catalog?asUser=${ALICE}`))).prompts?.length > 0, 'the fixture listed', 90_000);
    await waitFor(
      async () => (await json(gw.api('GET', `${base}/tools?asUser=${ALICE}`))).items?.some((t: { name: string }) => t.name === 'slow__slow_echo'),
      'the slow fixture listed',
      90_000,
    );
  });
  afterAll(() => gw.close());

  it('lists the resources, templates and prompts the person may use, and nothing else', async () => {
    const catalog = await json(gw.api('GET', `${base}/catalog?asUser=${ALICE}`));
    expect(catalog.prompts.map((p: { name: string }) => p.name)).toEqual(['fx__test_prompt_with_arguments']);
    expect(catalog.prompts[0].arguments.map((a: { name: string }) => a.name)).toEqual(['arg1', 'arg2']);
    expect(catalog.resources.map((r: { uri: string }) => r.uri)).toContain('test://static-text');
    expect(catalog.resourceTemplates.map((t: { uriTemplate: string }) => t.uriTemplate)).toEqual(['test://template/{id}/data']);
    // The admin's own token acts for no person: nothing is allowed.
    const own = await json(gw.api('GET', `${base}/catalog`));
    expect([own.prompts, own.resources, own.resourceTemplates]).toEqual([[], [], []]);
  });

  it('gets a prompt with its arguments through the pipeline, with the JSON-RPC exchange, and audits it', async () => {
    const res = await gw.api('POST', `${base}/request`, { kind: 'prompt', name: 'fx__test_prompt_with_arguments', arguments: { arg1: 'one', arg2: 'two' }, ...asAlice });
    expect(res.status).toBe(200);
    const answer = await json(res);
    expect(answer.outcome).toBe('ok');
    expect(JSON.stringify(answer.result.messages)).toContain('one');
    expect(answer.exchange[0]).toEqual({
      direction: 'sent',
      message: { jsonrpc: '2.0', id: 1, method: 'prompts/get', params: { name: 'fx__test_prompt_with_arguments', arguments: { arg1: 'one', arg2: 'two' }, _meta: { progressToken: 1 } } },
    });
    expect(answer.exchange.at(-1)).toEqual({ direction: 'received', message: { jsonrpc: '2.0', id: 1, result: answer.result } });
    await gw.audit.flush();
    const [event] = await gw.database.db.select().from(auditEvents).where(eq(auditEvents.exposedName, 'fx__test_prompt_with_arguments'));
    expect(event).toMatchObject({ kind: 'prompt', outcome: 'ok', userEmail: ALICE, clientId: 'switchboard-console' });
  });

  it('reads a resource and a filled-in template; completes a template variable', async () => {
    const read = await json(gw.api('POST', `${base}/request`, { kind: 'resource', name: 'test://static-text', ...asAlice }));
    expect(read.outcome).toBe('ok');
    expect(read.result.contents[0]).toMatchObject({ uri: 'test://static-text', mimeType: 'text/plain' });
    expect(read.exchange[0].message).toEqual({ jsonrpc: '2.0', id: 1, method: 'resources/read', params: { uri: 'test://static-text' } });
    const templated = await json(gw.api('POST', `${base}/request`, { kind: 'resource', name: 'test://template/123/data', ...asAlice }));
    expect(templated.outcome).toBe('ok');
    const completion = await json(
      gw.api('POST', `${base}/complete`, { ref: { type: 'ref/resource', uri: 'test://template/{id}/data' }, argument: { name: 'id', value: '1' }, ...asAlice }),
    );
    expect(completion).toEqual({ values: ['1', '123'], hasMore: false, error: null });
  });

  it('refuses what the person may not use as an MCP client is refused: the same answer as an unknown name', async () => {
    const hidden = await json(gw.api('POST', `${base}/request`, { kind: 'prompt', name: 'fx__test_simple_prompt', ...asAlice }));
    expect(hidden).toMatchObject({ outcome: 'denied', result: null, error: { code: 'policy' } });
    expect(hidden.exchange.at(-1).message.error.code).toBe(-32602);
    const completion = await json(
      gw.api('POST', `${base}/complete`, { ref: { type: 'ref/prompt', name: 'fx__test_simple_prompt' }, argument: { name: 'x', value: '' }, ...asAlice }),
    );
    expect(completion).toEqual({ values: [], hasMore: false, error: 'Unknown prompt: fx__test_simple_prompt' });
    expect((await gw.api('POST', `${base}/request`, { kind: 'tool', name: 'x' })).status).toBe(400);
  });

  it('shows the progress a tool reports, in order, before its result', async () => {
    const answer = await json(gw.api('POST', `${base}/tools/call`, { name: 'fx__test_tool_with_progress', ...asAlice }));
    expect(answer.outcome).toBe('ok');
    const methods = answer.exchange.map((m: { message: { method?: string } }) => m.message.method ?? 'response');
    expect(methods).toEqual(['tools/call', 'notifications/progress', 'notifications/progress', 'notifications/progress', 'response']);
    expect(answer.exchange.slice(1, 4).map((m: { message: { params: { progress: number } } }) => m.message.params.progress)).toEqual([0, 50, 100]);
  });

  /** POSTs a tool call asking for the live stream; yields each server-sent event as it arrives. */
  async function* liveCall(body: unknown, signal?: AbortSignal) {
    const res = await gw.fetch(`https://gw.example.com${base}/tools/call`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.adminToken}`, 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify(body),
      signal,
    });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    yield* serverSentEvents(res.body!);
  }

  it('streams each progress notification as it happens, then the answer', async () => {
    const events: Array<{ event: string; data: { message?: { method?: string } } }> = [];
    for await (const e of liveCall({ name: 'slow__slow_echo', arguments: { text: 'hi', ms: 300, steps: 3 }, ...asAlice })) events.push(e);
    expect(events.map((e) => e.data.message?.method ?? e.event)).toEqual([
      'tools/call',
      'notifications/progress',
      'notifications/progress',
      'notifications/progress',
      'message', // the response
      'answer',
    ]);
    expect(events.at(-1)!.data).toMatchObject({ outcome: 'ok', result: { content: [{ type: 'text', text: 'hi' }] } });
  });

  it('cancels the call upstream when the person closes the request, and audits it as cancelled', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const seen: string[] = [];
    try {
      for await (const e of liveCall({ name: 'slow__slow_echo', arguments: { text: 'stop me', ms: 60_000, steps: 60 }, ...asAlice }, controller.signal)) {
        seen.push(e.data.message?.method ?? e.event);
        if (e.data.message?.method === 'notifications/progress') controller.abort();
      }
    } catch {
      // reading a stream whose request was aborted fails: expected (checked below)
    }
    expect(controller.signal.aborted).toBe(true);
    expect(seen).toEqual(['tools/call', 'notifications/progress']);
    await waitFor(async () => {
      await gw.audit.flush();
      const rows = await gw.database.db.select().from(auditEvents).where(eq(auditEvents.exposedName, 'slow__slow_echo'));
      return rows.some((r) => r.errorCode === 'cancelled');
    }, 'the cancelled call in the audit trail');
    expect(Date.now() - started).toBeLessThan(30_000); // long before the tool's own minute
  });
});
