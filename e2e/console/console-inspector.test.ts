/**
 * Issue 18 #12 in a real Chromium against a real gateway: the playground as an inspector —
 * prompts with arguments, resources and templates with the server's completions, resource
 * subscriptions heard live, a tool's progress, a tool's elicitation answered in the page,
 * and the raw JSON-RPC exchange — run as a chosen person, through their access policy. Each test saves a screenshot named after the point.
 */
import { fixtureStdio, misbehaving, waitFor } from '@switchboard/core/upstream/test-upstreams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, Cleanup, type E2eGateway, startE2eGateway } from '../support/gateway.ts';
import { checkEachTest, type ConsoleBrowser, openBrowser } from './browser.ts';
import { buildConsole } from './build-console.ts';

const fixture = fixtureStdio();
const slow = misbehaving();
const ALICE = 'alice@example.com';

describe('console playground as an inspector (issue 18 #12) in Chromium', () => {
  const cleanup = new Cleanup();
  let gw: E2eGateway;
  let b: ConsoleBrowser;
  let serverId = '';

  beforeAll(async () => {
    const consoleDir = await buildConsole();
    gw = await startE2eGateway({ SWITCHBOARD_CONSOLE_DIR: consoleDir });
    cleanup.add(() => gw.stop());
    await gw.importConfig({
      mcpServers: {
        fx: { command: fixture.command, args: fixture.args, cwd: fixture.cwd },
        slow: { command: slow.command, args: slow.args, cwd: slow.cwd },
      },
      virtualServers: { inspect: { upstreams: ['fx', 'slow'], defaultAccess: 'deny' } },
      users: {
        [ALICE]: {
          allowed_tools: ['fx:test_tool_with_progress', 'slow:slow_echo', 'fx:test_elicitation_sep1034_defaults', 'fx:test_update_watched_resource'],
        },
      },
      policies: [
        { subject: `user:${ALICE}`, kind: 'prompt', pattern: 'fx:test_prompt_with_arguments' },
        { subject: `user:${ALICE}`, kind: 'resource', pattern: 'fx:test://*' },
      ],
    });
    serverId = (await gw.api('GET', '/api/v1/virtual-servers?q=inspect')).body.items[0].id;
    // The stdio fixture's first start can outlast one request's wait on this busy machine.
    await waitFor(
      async () => (await gw.api('GET', `/api/v1/virtual-servers/${serverId}/playground/catalog?asUser=${ALICE}`)).body?.prompts?.length > 0,
      'the fixture listed',
      90_000,
    );
    await waitFor(
      async () => (await gw.api('GET', `/api/v1/virtual-servers/${serverId}/playground/tools?asUser=${ALICE}`)).body?.items?.length === 4,
      'both fixtures listed',
      90_000,
    );
    b = await openBrowser(gw.url);
    cleanup.add(() => b.close());
    const { page } = b;
    await page.goto('/');
    await page.getByRole('button', { name: 'Use an admin API token instead' }).click();
    await page.getByLabel('Admin API token').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in with token' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  });
  afterAll(() => cleanup.run());
  checkEachTest(() => b);

  it('#12 gets a prompt with its arguments as Alice, and shows the raw JSON-RPC exchange', async () => {
    const { page } = b;
    await page.goto(`/playground?server=${serverId}&as=${encodeURIComponent(ALICE)}`);
    await page.getByRole('button', { name: 'Prompts', exact: true }).click();
    const prompts = page.getByRole('list', { name: 'Prompts' });
    // Only what Alice may get is listed.
    await expect.poll(() => prompts.getByRole('button').allTextContents()).toEqual([expect.stringContaining('fx__test_prompt_with_arguments')]);
    await prompts.getByRole('button').first().click();
    await page.getByLabel('arg1 *').fill('first value');
    await page.getByLabel('arg2 *').fill('second value');
    await page.getByRole('button', { name: 'Get prompt' }).click();
    const result = page.getByRole('status', { name: 'Call result' });
    await result.getByRole('list', { name: 'Prompt messages' }).getByText(/first value/).waitFor();
    await result.getByText(/Raw JSON-RPC exchange \(2 messages\)/).click();
    const messages = result.getByRole('list', { name: 'JSON-RPC messages' }).getByRole('listitem');
    expect(await messages.count()).toBe(2);
    expect(JSON.parse((await messages.nth(0).locator('pre').textContent()) ?? '')).toMatchObject({ method: 'prompts/get', params: { name: 'fx__test_prompt_with_arguments' } });
    expect(JSON.parse((await messages.nth(1).locator('pre').textContent()) ?? '')).toMatchObject({ id: 1, result: { messages: expect.any(Array) } });
    await b.screenshot('issue18-12-playground-prompt-and-exchange');
    // The call is in the audit trail as Alice's, made by the administrator.
    const events = await gw.api('GET', '/api/v1/audit-events?tool=test_prompt_with_arguments');
    expect(events.body.items[0]).toMatchObject({ kind: 'prompt', userEmail: ALICE, outcome: 'ok', clientName: 'Console playground' });
  });

  it('#12 reads a resource template filled in from the server’s completions', async () => {
    const { page } = b;
    await page.getByRole('button', { name: 'Resources', exact: true }).click();
    const resources = page.getByRole('list', { name: 'Resources' });
    await resources.getByRole('button', { name: /test:\/\/template\/\{id\}\/data/ }).click();
    await page.getByLabel('id', { exact: true }).fill('1');
    const suggestions = page.getByRole('list', { name: 'Suggestions for id' });
    await suggestions.getByRole('button', { name: '123' }).click();
    await page.getByText('Reads test://template/123/data').waitFor();
    await page.getByRole('button', { name: 'Read resource' }).click();
    const result = page.getByRole('status', { name: 'Call result' });
    await result.getByText('test://template/123/data').first().waitFor();
    await b.screenshot('issue18-12-playground-resource-template-completion');
    await resources.getByRole('button', { name: /test:\/\/static-text/ }).click();
    await page.getByRole('button', { name: 'Read resource' }).click();
    await page.getByRole('status', { name: 'Call result' }).getByText('test://static-text').first().waitFor();
  });

  it('#12 shows the progress a tool reports', async () => {
    const { page } = b;
    await page.getByRole('button', { name: 'Tools', exact: true }).click();
    await page.getByRole('button', { name: /fx__test_tool_with_progress/ }).click();
    await page.getByRole('button', { name: 'Run tool' }).click();
    const result = page.getByRole('status', { name: 'Call result' });
    await result.getByText('Progress: 0 → 50 → 100 of 100 · Completed step 100 of 100').waitFor();
    await b.screenshot('issue18-12-playground-tool-progress');
  });

  it('#12 shows a long call’s progress live, and cancels it upstream', async () => {
    const { page } = b;
    await page.getByRole('button', { name: /slow__slow_echo/ }).click();
    await page.getByLabel('text *').fill('stop me');
    await page.getByLabel('ms', { exact: true }).fill('60000');
    await page.getByLabel('steps', { exact: true }).fill('60');
    await page.getByRole('button', { name: 'Run tool' }).click();
    const running = page.getByRole('status', { name: 'Running call' });
    // Progress arrives while the call runs (one step a second): the bar moves before any answer.
    await running.getByText(/^Progress: 1 → 2( → \d+)* of 60 · stop me$/).waitFor({ timeout: 30_000 });
    expect(Number(await running.getByRole('progressbar', { name: 'Progress' }).getAttribute('value'))).toBeGreaterThanOrEqual(2);
    await b.screenshot('issue18-12-playground-live-progress');
    await running.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('status').getByText(/^Cancelled: the upstream was told to stop/).waitFor();
    await b.screenshot('issue18-12-playground-cancelled');
    await expect
      .poll(async () => (await gw.api('GET', '/api/v1/audit-events?tool=slow_echo')).body.items.map((e: { errorCode: string | null }) => e.errorCode), { timeout: 15_000 })
      .toEqual(['cancelled']);
  });

  it('#12 subscribes to a resource and shows its updates live, then unsubscribes', async () => {
    const { page } = b;
    await page.goto(`/playground?server=${serverId}&as=${encodeURIComponent(ALICE)}&view=resources&item=${encodeURIComponent('test://watched-resource')}`);
    await page.getByRole('button', { name: 'Subscribe to updates' }).click();
    const log = page.getByRole('log', { name: 'Resource updates' });
    await log.getByText(/^Subscribed to test:\/\/watched-resource · 0 updates$/).waitFor();
    // The resource changes elsewhere (Alice's tool, called through the API): the page hears each change.
    const touch = () => gw.api('POST', `/api/v1/virtual-servers/${serverId}/playground/tools/call`, { name: 'fx__test_update_watched_resource', asUser: ALICE });
    expect((await touch()).body.outcome).toBe('ok');
    await log.getByText(/· 1 update$/).waitFor();
    expect((await touch()).body.outcome).toBe('ok');
    await log.getByText(/· 2 updates$/).waitFor();
    expect(await log.getByRole('list', { name: 'Updates received' }).getByRole('listitem').allTextContents()).toEqual([
      'notifications/resources/updated test://watched-resource',
      'notifications/resources/updated test://watched-resource',
    ]);
    await log.getByRole('button', { name: 'Read it again' }).click();
    await page.getByRole('status', { name: 'Call result' }).getByText('test://watched-resource').first().waitFor();
    await b.screenshot('issue18-12-playground-subscribe');
    await page.getByRole('button', { name: 'Unsubscribe' }).click();
    await log.getByText(/^Unsubscribed from test:\/\/watched-resource · 2 updates$/).waitFor();
    await page.getByRole('button', { name: 'Subscribe to updates' }).waitFor();
  });

  it('#12 answers a tool’s elicitation in the page: a form from the requested schema, Accept and Decline', async () => {
    const { page } = b;
    await page.goto(`/playground?server=${serverId}&as=${encodeURIComponent(ALICE)}&tool=fx__test_elicitation_sep1034_defaults`);
    await page.getByRole('button', { name: 'Run tool' }).click();
    const form = page.getByRole('form', { name: 'Input requested' });
    await form.getByText('Please review and update the form fields with defaults', { exact: true }).waitFor();
    // One input per field of the requested schema, with its default: text, whole number, number, choice, yes/no.
    expect(await form.getByLabel('name', { exact: true }).inputValue()).toBe('John Doe');
    expect(await form.getByLabel('age', { exact: true }).inputValue()).toBe('30');
    expect(await form.getByLabel('score', { exact: true }).inputValue()).toBe('95.5');
    expect(await form.getByLabel('status', { exact: true }).inputValue()).toBe('active');
    expect(await form.getByLabel('verified', { exact: true }).isChecked()).toBe(true);
    await form.getByLabel('name', { exact: true }).fill('Ada');
    await form.getByLabel('age', { exact: true }).fill('thirty-six');
    await form.getByRole('button', { name: 'Accept' }).click();
    await form.getByText('must be a whole number').waitFor();
    await form.getByLabel('age', { exact: true }).fill('36');
    await form.getByLabel('status', { exact: true }).selectOption('pending');
    await form.getByLabel('verified', { exact: true }).uncheck();
    await b.screenshot('issue18-12-playground-elicitation');
    await form.getByRole('button', { name: 'Accept' }).click();
    const result = page.getByRole('status', { name: 'Call result' });
    await result.getByText('Elicitation completed: action=accept, content={"name":"Ada","age":36,"score":95.5,"status":"pending","verified":false}').waitFor();
    await b.screenshot('issue18-12-playground-elicitation-answered');
    // Decline is an answer too: the tool hears it and finishes.
    await page.getByRole('button', { name: 'Run tool' }).click();
    await form.getByRole('button', { name: 'Decline' }).click();
    await result.getByText('Elicitation completed: action=decline, content={}', { exact: true }).waitFor();
    const events = await gw.api('GET', '/api/v1/audit-events?tool=test_elicitation_sep1034_defaults');
    expect(events.body.items.length).toBeGreaterThan(0);
    expect(events.body.items.every((e: { userEmail: string; clientName: string }) => e.userEmail === ALICE && e.clientName === 'Console playground')).toBe(true);
  });
});
