/**
 * A 2025-era stdio or legacy SSE upstream (server-everything, v1 SDK) sends `elicitation/create` and
 * `sampling/createMessage` with nothing tying them to the call that caused them. Sessions
 * that can answer them get a dedicated upstream connection each (isolated-connections.ts),
 * so every request reaches its own client even with many calls in flight, up to
 * SWITCHBOARD_MAX_ISOLATED_SESSIONS per upstream; beyond that the shared connection routes
 * only what it can attribute and declines the rest.
 */
import { execFileSync } from 'node:child_process';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResultSchema, CreateMessageRequestSchema, ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { sleep, startEverythingSse } from '@switchboard/core/upstream/test-upstreams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ToolResult, textOf, within } from './support/clients.ts';
import { Cleanup, type E2eGateway, openGateway } from './support/gateway.ts';
import { everythingEntry } from './support/upstreams.ts';

const SERVER_ID = '5e7a9c1d-3f5b-4d7e-8a2c-4e6a8c0e2a4c';
const ELICIT = 'everything__trigger-elicitation-request';
const SAMPLE = 'everything__trigger-sampling-request';

/** A v1 SDK client that declares elicitation and sampling and answers both as `user`, over Streamable HTTP or HTTP+SSE (2024-11-05). */
class Person {
  readonly elicited: string[] = [];
  readonly sampled: string[] = [];
  /** Each answer waits for this (tests hold answers back to keep calls in flight together). */
  hold: Promise<unknown> = Promise.resolve();
  private readonly client = new Client({ name: 'e2e-isolated', version: '1.0.0' }, { capabilities: { elicitation: {}, sampling: {} } });
  private transport?: StreamableHTTPClientTransport | SSEClientTransport;

  constructor(
    readonly user: string,
    private readonly over: 'streamable' | 'sse' = 'streamable',
  ) {
    this.client.setRequestHandler(ElicitRequestSchema, async (request) => {
      this.elicited.push(request.params.message);
      await this.hold;
      return { action: 'accept', content: { name: this.user } };
    });
    this.client.setRequestHandler(CreateMessageRequestSchema, async () => {
      this.sampled.push(this.user);
      await this.hold;
      return { model: 'e2e', role: 'assistant', content: { type: 'text', text: `sampled by ${this.user}` } };
    });
  }

  async connect(gw: E2eGateway) {
    this.transport =
      this.over === 'sse' ? new SSEClientTransport(new URL(gw.sseUrl(SERVER_ID))) : new StreamableHTTPClientTransport(new URL(gw.mcpUrl(SERVER_ID)));
    await this.client.connect(this.transport);
    return this;
  }

  async call(name: string, args: Record<string, unknown> = {}): Promise<ToolResult> {
    return (await this.client.callTool({ name, arguments: args }, CallToolResultSchema, { timeout: 60_000 })) as ToolResult;
  }

  /** DELETE of the session (Streamable HTTP; an SSE session ends with its stream), then the client closes. */
  async close() {
    if (this.transport instanceof StreamableHTTPClientTransport && this.transport.sessionId) await this.transport.terminateSession().catch(() => {});
    await this.client.close();
  }
}

/** Resolves when every one of `people` has been asked (`what`) at least once; bounded. */
async function asked(people: Person[], what: 'elicited' | 'sampled' = 'elicited') {
  const deadline = Date.now() + 20_000;
  while (!people.every((p) => p[what].length > 0)) {
    if (Date.now() > deadline) throw new Error(`not asked (${what}): ${people.filter((p) => p[what].length === 0).map((p) => p.user)}`);
    await sleep(25);
  }
}

/** server-everything processes this test process (which runs the gateway) has started and not reaped. */
function everythingProcesses(): number {
  const out = execFileSync('ps', ['-o', 'args=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.includes('server-everything')).length;
}

async function until<T>(read: () => Promise<T> | T, check: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await sleep(50);
  }
}

/**
 * Before the suite: a gateway started with `env` whose virtual server federates
 * server-everything (over stdio, unless `upstream` starts another), with `people` connected.
 * After it: they close and everything stops. Returns a reader of the upstream's status.
 */
function gatewayWithPeople(
  people: Person[],
  { env = {}, upstream = async () => everythingEntry() }: { env?: Record<string, string>; upstream?: (cleanup: Cleanup) => Promise<Record<string, unknown>> } = {},
) {
  const cleanup = new Cleanup();
  let gw: E2eGateway;
  let statusPath = '';
  beforeAll(async () => {
    gw = await openGateway(cleanup, SERVER_ID, { everything: await upstream(cleanup) }, env);
    const { body } = await gw.api('GET', '/api/v1/upstreams');
    const id = (body.items as Array<{ id: string; name: string }>).find((u) => u.name === 'everything')?.id;
    statusPath = `/api/v1/upstreams/${id}/status`;
    for (const person of people) await person.connect(gw);
  });
  afterAll(async () => {
    await Promise.allSettled(people.map((p) => p.close()));
    await cleanup.run();
  });
  return async () => (await gw.api('GET', statusPath)).body as { isolatedSessions: number; inFlight: number };
}

/**
 * Each of `people` calls `tool` at once, and no answer leaves before every one has been
 * asked (`what`): the calls overlap for sure. Resolves with their results, in order.
 */
async function callTogether(people: Person[], tool: string, what: 'elicited' | 'sampled' = 'elicited', args?: (p: Person) => Record<string, unknown>) {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  for (const person of people) person.hold = gate;
  const calls = people.map((person) => person.call(tool, args?.(person)));
  await within(asked(people, what), 30_000, 'every client to be asked').finally(release);
  return Promise.all(calls);
}

describe('server-to-client requests of a 2025-era stdio upstream, with sessions isolated', () => {
  // carol is a 2024-11-05 client on /sse: her session is isolated the same way
  const people = [new Person('alice'), new Person('bob'), new Person('carol', 'sse')];
  const status = gatewayWithPeople(people);

  it('routes each elicitation to the client whose call caused it, all in flight at once', async () => {
    const results = await callTogether(people, ELICIT);
    results.forEach((result, i) => {
      expect(result.isError).toBeFalsy();
      expect(textOf(result)).toContain(`- Name: ${people[i]!.user}`);
    });
    for (const person of people) expect(person.elicited).toHaveLength(1);
    expect((await status()).isolatedSessions).toBe(3);
    // the shared connection plus one process per isolated session
    expect(everythingProcesses()).toBe(4);
  });

  it('routes sampling the same way, reusing each session’s connection', async () => {
    const results = await callTogether(people, SAMPLE, 'sampled', (person) => ({ prompt: `from ${person.user}` }));
    expect(results.map(textOf)).toEqual(people.map((p) => expect.stringContaining(`sampled by ${p.user}`)));
    for (const person of people) expect(person.sampled).toEqual([person.user]);
    expect((await status()).isolatedSessions).toBe(3);
    expect(everythingProcesses()).toBe(4);
  });

  it('stops a session’s connection and process when the session closes', async () => {
    await people[0]!.close();
    await until(status, (s) => s.isolatedSessions === 2, 'one isolated session fewer');
    await until(everythingProcesses, (n) => n === 3, 'the isolated process to exit');
    await Promise.all(people.slice(1).map((p) => p.close()));
    await until(status, (s) => s.isolatedSessions === 0, 'no isolated sessions');
    await until(everythingProcesses, (n) => n === 1, 'only the shared process');
  });
});

describe('beyond SWITCHBOARD_MAX_ISOLATED_SESSIONS', () => {
  const [alice, bob, carol] = ['alice', 'bob', 'carol'].map((user) => new Person(user)) as [Person, Person, Person];
  const status = gatewayWithPeople([alice, bob, carol], { env: { SWITCHBOARD_MAX_ISOLATED_SESSIONS: '1' } });

  it('falls back to the shared connection, which never hands one client’s request to another', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    alice.hold = gate;
    bob.hold = gate;
    try {
      // alice takes the one isolated connection
      const fromAlice = alice.call(ELICIT);
      await asked([alice]);
      expect((await status()).isolatedSessions).toBe(1);
      // bob's call is the only one on the shared connection: its elicitation can only be his
      const fromBob = bob.call(ELICIT);
      await asked([bob]);
      expect((await status()).inFlight).toBe(1);
      // carol's joins it there: whose request is it? The gateway cannot tell, so it declines
      const fromCarol = await carol.call(ELICIT);
      expect(fromCarol.isError).toBe(true);
      expect(textOf(fromCarol)).toMatch(/cannot be routed to a single client/);
      expect(carol.elicited).toEqual([]);
      release();
      expect(textOf(await fromAlice)).toContain('- Name: alice');
      expect(textOf(await fromBob)).toContain('- Name: bob');
      expect([alice.elicited.length, bob.elicited.length]).toEqual([1, 1]);
      expect((await status()).isolatedSessions).toBe(1);
      expect(everythingProcesses()).toBe(2);
    } finally {
      release();
    }
  });
});

describe('server-to-client requests of a 2025-era legacy SSE upstream, with sessions isolated', () => {
  const people = [new Person('dave'), new Person('erin')];
  // server-everything serving the old HTTP+SSE transport: one server per SSE stream, so a
  // dedicated connection is a stream of its own rather than a process
  const status = gatewayWithPeople(people, {
    upstream: async (cleanup) => {
      const served = await startEverythingSse();
      cleanup.add(() => served.stop());
      return { type: 'sse', url: served.url };
    },
  });

  it('routes each elicitation to the client whose call caused it, all in flight at once', async () => {
    const results = await callTogether(people, ELICIT);
    expect(results.map(textOf)).toEqual(people.map((p) => expect.stringContaining(`- Name: ${p.user}`)));
    for (const person of people) expect(person.elicited).toHaveLength(1);
    expect((await status()).isolatedSessions).toBe(2);
  });

  it('ends a session’s own stream when the session closes', async () => {
    await people[0]!.close();
    await until(status, (s) => s.isolatedSessions === 1, 'one isolated session fewer');
  });
});
