import { fixtureStdio, waitFor } from '@switchboard/core/upstream/test-upstreams';
import { auditEvents } from '@switchboard/db/schema';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, json, type TestGateway } from '../testing/test-gateway.ts';
import { serverSentEvents } from '../testing/sse-events.ts';

const fixture = fixtureStdio();
/** The same fixture twice: as it speaks by default (2026-07-28), and pinned to the 2025 era (real elicitation/create, resources/subscribe). */
const ERAS = [
  { era: 'modern', upstream: 'fx', serverId: '6a0c2f3e-1b7d-4e58-9c46-2d8f5b1e7a93' },
  { era: '2025', upstream: 'old', serverId: '0d4e8b6a-5c21-4f9e-b7a3-9e2c1f6d8a40' },
] as const;
const ALICE = 'alice@example.com';
const WATCHED = 'test://watched-resource';

type Event = { event: string; data: { direction?: string; message?: Record<string, unknown>; error?: { code: string } } };

/**
 * Issue 18 #12: the rest of the inspector — resource subscriptions heard live, and a tool
 * that asks the person for input (elicitation) answered from the page — as a person,
 * through the same routing and access policy as MCP clients.
 */
let gw: TestGateway;
const asAlice = { asUser: ALICE };

beforeAll(async () => {
  gw = await createTestGateway('pglite');
  const entry = { command: fixture.command, args: fixture.args, cwd: fixture.cwd };
  const res = await gw.api('POST', '/api/v1/import', {
    mcpServers: { fx: entry, old: { ...entry, protocol: 'legacy' } },
    virtualServers: Object.fromEntries(ERAS.map((e) => [`answers-${e.upstream}`, { id: e.serverId, upstreams: [e.upstream], defaultAccess: 'deny' }])),
    users: { [ALICE]: { allowed_tools: ERAS.flatMap((e) => [`${e.upstream}:test_elicitation`, `${e.upstream}:test_update_watched_resource`]) } },
    policies: ERAS.map((e) => ({ subject: `user:${ALICE}`, kind: 'resource', pattern: `${e.upstream}:${WATCHED}` })),
  });
  expect(res.status).toBe(200);
  for (const e of ERAS) {
    const catalog = `/api/v1/virtual-servers/${e.serverId}/playground/catalog?asUser=${ALICE}`;
    await waitFor(async () => (await json(gw.api('GET', catalog))).resources?.length > 0, `${e.upstream} listed`, 90_000);
  }
});
afterAll(() => gw.close());

describe.each(ERAS)('playground subscriptions and elicitation, upstream era $era', ({ era, upstream, serverId }) => {
  const base = `/api/v1/virtual-servers/${serverId}/playground`;
  const tool = (name: string) => `${upstream}__${name}`;

  /** Opens a subscription; yields each server-sent event as it arrives. */
  async function* subscription(body: unknown, signal?: AbortSignal): AsyncGenerator<Event> {
    const res = await gw.fetch(`https://gw.example.com${base}/resources/subscribe`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.adminToken}`, 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify(body),
      signal,
    });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    yield* serverSentEvents(res.body!);
  }

  it('subscribes to a resource as the person and streams its updates until the request closes', async () => {
    // The fixture keeps the resource in its process, and on a 2025-era stdio upstream the
    // person's tool calls (which can be asked for input) run on a connection of their own:
    // there, the change is made in another process than the subscribed one and is not heard.
    const changes = era === 'modern' ? 2 : 0;
    const controller = new AbortController();
    const seen: Array<Record<string, unknown>> = [];
    let heard = 0;
    try {
      for await (const e of subscription({ uri: WATCHED, ...asAlice }, controller.signal)) {
        const message = e.data.message;
        if (!message) continue; // a keep-alive ping
        seen.push(message);
        // subscribed: change the resource (as Alice, through the playground), `changes` times
        if ('result' in message || message.method === 'notifications/resources/updated') {
          if (heard++ >= changes) controller.abort();
          else expect((await json(gw.api('POST', `${base}/tools/call`, { name: tool('test_update_watched_resource'), ...asAlice }))).outcome).toBe('ok');
        }
      }
    } catch {
      // reading a stream whose request was aborted fails: expected (checked below)
    }
    expect(controller.signal.aborted).toBe(true);
    expect(seen).toEqual([
      { jsonrpc: '2.0', id: 1, method: 'resources/subscribe', params: { uri: WATCHED } },
      { jsonrpc: '2.0', id: 1, result: {} },
      ...Array.from({ length: changes }, () => ({ jsonrpc: '2.0', method: 'notifications/resources/updated', params: { uri: WATCHED } })),
    ]);
  });

  it('refuses a resource the person may not read as an MCP client is refused, and ends the stream', async () => {
    const events: Event[] = [];
    for await (const e of subscription({ uri: 'test://static-text', ...asAlice })) events.push(e);
    expect(events.map((e) => e.event)).toEqual(['message', 'message', 'end']);
    expect(events[1]!.data.message).toEqual({ jsonrpc: '2.0', id: 1, error: { code: -32002, message: 'Resource not found: test://static-text' } });
    // a client mistake is a 400, not a stream
    expect((await gw.api('POST', `${base}/resources/subscribe`, { uri: '' })).status).toBe(400);
    // an unknown person before anything is subscribed
    const unknown: Event[] = [];
    for await (const e of subscription({ uri: WATCHED, asUser: 'nobody@example.com' })) unknown.push(e);
    expect(unknown).toEqual([{ event: 'error', data: { error: { code: 'unknown_user', message: 'no user "nobody@example.com"' } } }]);
  });

  /** Calls test_elicitation and answers what it asks with `response`; returns both answers. */
  async function elicit(response: Record<string, unknown>) {
    const asked = await json(gw.api('POST', `${base}/tools/call`, { name: tool('test_elicitation'), arguments: { message: 'who are you?' }, ...asAlice }));
    const [key, request] = Object.entries(asked.inputRequired?.requests ?? {})[0] ?? [];
    expect(request).toMatchObject({ method: 'elicitation/create', params: { message: 'who are you?', requestedSchema: { required: ['username', 'email'] } } });
    const done = await json(
      gw.api('POST', `${base}/tools/call`, {
        name: tool('test_elicitation'),
        arguments: { message: 'who are you?' },
        inputResponses: { [key as string]: response },
        requestState: asked.inputRequired.requestState,
        ...asAlice,
      }),
    );
    return { asked, done };
  }

  it('hands a tool’s elicitation to the page and completes the call with its answer', async () => {
    const { asked, done } = await elicit({ action: 'accept', content: { username: 'ada', email: 'ada@example.com' } });
    expect(asked).toMatchObject({ outcome: 'ok', error: null, result: { resultType: 'input_required' } });
    expect(done.outcome).toBe('ok');
    expect(done.inputRequired).toBeUndefined();
    expect(done.result.content[0].text).toBe('User response: action=accept, content={"username":"ada","email":"ada@example.com"}');
    // the retry as the page sent it: the answers travel in the request (with the state, when there is one)
    expect(done.exchange[0].message.params.inputResponses).toEqual({ [Object.keys(asked.inputRequired.requests)[0]!]: { action: 'accept', content: { username: 'ada', email: 'ada@example.com' } } });
    await gw.audit.flush();
    const rows = await gw.database.db.select().from(auditEvents).where(eq(auditEvents.exposedName, tool('test_elicitation')));
    expect(rows.every((r) => r.userEmail === ALICE && r.clientId === 'switchboard-console')).toBe(true);
  });

  it('passes a decline or a cancel on as the answer', async () => {
    expect((await elicit({ action: 'decline' })).done.result.content[0].text).toBe('User response: action=decline, content={}');
    expect((await elicit({ action: 'cancel' })).done.result.content[0].text).toBe('User response: action=cancel, content={}');
    // answers must be objects
    const bad = await gw.api('POST', `${base}/tools/call`, { name: tool('test_elicitation'), inputResponses: { form: 'yes' }, ...asAlice });
    expect(bad.status).toBe(400);
  });

  // (only a 2025-era upstream's call is held by the gateway: a 2026-07-28 upstream holds its own)
  if (era === '2025') {
    it('holds a 2025-era upstream’s call for the answer, under a sealed state that answers nothing else', async () => {
      const asked = await json(gw.api('POST', `${base}/tools/call`, { name: tool('test_elicitation'), arguments: { message: 'again?' }, ...asAlice }));
      // the gateway's own state: the upstream asked with a real elicitation/create, and the call waits for the page
      expect(asked.inputRequired.requestState).toEqual(expect.any(String));
      const replay = await json(
        gw.api('POST', `${base}/tools/call`, { name: tool('test_update_watched_resource'), inputResponses: {}, requestState: asked.inputRequired.requestState, ...asAlice }),
      );
      expect(replay).toMatchObject({ result: null, error: { message: 'requestState belongs to another call' } });
      const [key] = Object.keys(asked.inputRequired.requests);
      const done = await json(
        gw.api('POST', `${base}/tools/call`, {
          name: tool('test_elicitation'),
          arguments: { message: 'again?' },
          inputResponses: { [key!]: { action: 'accept', content: { username: 'bo', email: 'bo@example.com' } } },
          requestState: asked.inputRequired.requestState,
          ...asAlice,
        }),
      );
      expect(done.result.content[0].text).toBe('User response: action=accept, content={"username":"bo","email":"bo@example.com"}');
    });
  }
});

describe('what the playground does', () => {
  it('changes nothing: no admin change is recorded for its calls, reads, completions or subscriptions', async () => {
    const events = await json(gw.api('GET', '/api/v1/admin-events?limit=100'));
    expect(events.items.map((e: { action: string }) => e.action)).not.toContainEqual(expect.stringContaining('playground'));
    expect(events.items.length).toBeGreaterThan(0); // the import is there
  });
});
