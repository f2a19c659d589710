import { describe, expect, it } from 'vitest';
import { configDocumentSchema, mcpServerKeyWarnings } from './config-document.ts';
import { nearestKey } from './config-document-keys.ts';

const issuesOf = (doc: unknown) => {
  const parsed = configDocumentSchema.safeParse(doc);
  return parsed.success ? [] : parsed.error.issues.map((issue) => [issue.path.join('.'), issue.message]);
};

const transports = 'either "command" (a stdio server, with optional args, env, cwd) or "type" + "url" (type "http", "streamable-http" or "sse")';

describe('mcpServers entries: protocol', () => {
  it('takes auto and legacy on every transport, and is absent (auto on import) when not given', () => {
    const doc = configDocumentSchema.parse({
      mcpServers: {
        local: { command: 'node', args: ['server.js'], protocol: 'legacy' },
        remote: { type: 'http', url: 'https://docs.example.com/mcp', protocol: 'auto' },
        old: { type: 'sse', url: 'http://127.0.0.1:9000/sse', protocol: 'legacy' },
        plain: { command: 'node' },
      },
    });
    expect(doc.mcpServers.local).toMatchObject({ command: 'node', args: ['server.js'], protocol: 'legacy' });
    expect(doc.mcpServers.remote).toMatchObject({ type: 'http', url: 'https://docs.example.com/mcp', protocol: 'auto' });
    expect(doc.mcpServers.old).toMatchObject({ type: 'sse', protocol: 'legacy' });
    expect(doc.mcpServers.plain).toEqual({ command: 'node', args: [], env: {} });
  });

  it('rejects any other value at its own path, naming the values it takes', () => {
    const expected = [['mcpServers.x.protocol', 'Invalid option: expected one of "auto"|"legacy"']];
    expect(issuesOf({ mcpServers: { x: { command: 'node', protocol: 'modern' } } })).toEqual(expected);
    expect(issuesOf({ mcpServers: { x: { type: 'http', url: 'https://a.example/mcp', protocol: '2026-07-28' } } })).toEqual(expected);
  });

  it('still reports the other Switchboard extras and transport fields where they are', () => {
    expect(issuesOf({ mcpServers: { x: { command: 'node', timeoutMs: 5 } } })).toEqual([
      ['mcpServers.x.timeoutMs', 'Too small: expected number to be >=100'],
    ]);
    // no transport matches: at the entry, what is missing and what an entry takes
    expect(issuesOf({ mcpServers: { x: { type: 'http', protocol: 'legacy' } } })).toEqual([['mcpServers.x', `missing "url" (expected ${transports})`]]);
  });
});

describe('typos in our own sections are rejected with the nearest valid key', () => {
  it.each([
    [{ virtualServers: { dev: { defaultAcess: 'allow' } } }, 'virtualServers.dev', 'unknown key "defaultAcess" (did you mean "defaultAccess"?)'],
    [{ virtualServers: { dev: { tools: [{ upstream: 'a', name: 'b', exposed_name: 'c' }] } } }, 'virtualServers.dev.tools.0', 'unknown key "exposed_name" (did you mean "exposedName"?)'],
    [{ users: { 'a@example.com': { allowedTools: [] } } }, 'users.a@example.com', 'unknown key "allowedTools" (did you mean "allowed_tools"?)'],
    [{ roles: { eng: { denied_tool: [] } } }, 'roles.eng', 'unknown key "denied_tool" (did you mean "denied_tools"?)'],
    [{ policies: [{ subject: 'role:eng', pattern: 'a:*', efect: 'deny' }] }, 'policies.0', 'unknown key "efect" (did you mean "effect"?)'],
    [{ mcpServer: {} }, '', 'unknown key "mcpServer" (did you mean "mcpServers"?)'],
  ])('%j', (doc, path, message) => {
    expect(issuesOf(doc)).toEqual([[path, message]]);
  });

  it('lists the valid keys when no key is near', () => {
    expect(issuesOf({ roles: { eng: { colour: 'red' } } })).toEqual([
      ['roles.eng', 'unknown key "colour" (expected one of description, allowed_tools, denied_tools)'],
    ]);
  });

  it('guesses only when close', () => {
    expect(nearestKey('default_access', ['defaultAccess', 'auth'])).toBe('defaultAccess');
    expect(nearestKey('enviroment', ['command', 'args', 'env', 'cwd'])).toBe('env');
    expect(nearestKey('autoApprove', ['command', 'args', 'env', 'cwd', 'disabled'])).toBeUndefined();
  });
});

describe('mcpServers entries: what is expected', () => {
  it.each([
    [{}, `expected ${transports}`],
    ['npx foo', `expected an object with ${transports}`],
    [{ url: 'https://a.example/mcp' }, `missing "type" (expected ${transports})`],
    [{ command: 5 }, `command: Invalid input: expected string, received number (expected ${transports})`],
  ])('%j', (entry, message) => {
    expect(issuesOf({ mcpServers: { broken: entry } })).toContainEqual(['mcpServers.broken', message]);
  });

  it('a bad name says the name rule, not "Invalid key in record"', () => {
    expect(issuesOf({ mcpServers: { 'My Server': { command: 'node' } } })).toEqual([
      ['mcpServers.My Server', 'invalid upstream name: must be 1-48 letters, digits, "_" or "-", starting with a letter or digit'],
    ]);
  });
});

describe('mcpServers entries: keys other clients add are accepted and named', () => {
  it('parses the entry and warns once per entry, guessing typos', () => {
    const raw = {
      mcpServers: {
        a: { command: 'node', enviroment: { X: '1' }, autoApprove: ['echo'], disabled: true },
        b: { type: 'http', url: 'https://a.example/mcp', header: {} },
        c: { command: 'node', args: [] },
      },
    };
    expect(configDocumentSchema.safeParse(raw).success).toBe(true);
    expect(mcpServerKeyWarnings(raw)).toEqual([
      'mcpServers.a: ignored keys "enviroment" (did you mean "env"?), "autoApprove"',
      'mcpServers.b: ignored key "header" (did you mean "headers"?)',
    ]);
  });
});
